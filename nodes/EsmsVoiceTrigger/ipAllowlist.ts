/** IP allowlists of single addresses and CIDR ranges, IPv4 and IPv6. */

// Own checks: the community-package rules allow no Node.js 'net' import.
function isIPv4(ip: string): boolean {
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ip.split('.').every((part) => Number(part) <= 255);
}

function isIPv6(ip: string): boolean {
	if (!/^[0-9a-f:.]+$/i.test(ip) || ip.split('::').length > 2) return false;
	const v4Tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
	if (v4Tail && !isIPv4(v4Tail[1])) return false;
	const hexPart = v4Tail ? ip.slice(0, -v4Tail[1].length - 1) || ':' : ip;
	const groups = hexPart.split(':');
	const needed = v4Tail ? 6 : 8;
	const compressed = ip.includes('::');
	const filled = groups.filter((group) => group !== '');
	if (!filled.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
	return compressed ? filled.length < needed : filled.length === needed && groups.length === needed;
}

function ipv4ToBigInt(ip: string): bigint {
	return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
	let text = ip;
	const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (v4Tail) {
		const v4 = ipv4ToBigInt(v4Tail[1]);
		text = `${text.slice(0, -v4Tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
	}
	const [head, tail] = text.split('::');
	const headParts = head ? head.split(':') : [];
	const tailParts = tail ? tail.split(':') : [];
	const missing = text.includes('::') ? 8 - headParts.length - tailParts.length : 0;
	const groups = [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
	return groups.reduce((acc, group) => (acc << 16n) + BigInt(parseInt(group || '0', 16)), 0n);
}

interface Address {
	version: 4 | 6;
	value: bigint;
}

/** Parses an address; IPv4-mapped IPv6 (::ffff:1.2.3.4) counts as the IPv4 address. */
export function parseAddress(input: string): Address | undefined {
	const ip = input.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
	if (mapped) return isIPv4(mapped[1]) ? { version: 4, value: ipv4ToBigInt(mapped[1]) } : undefined;
	if (isIPv4(ip)) return { version: 4, value: ipv4ToBigInt(ip) };
	if (isIPv6(ip)) return { version: 6, value: ipv6ToBigInt(ip) };
	return undefined;
}

export interface AllowRule {
	version: 4 | 6;
	network: bigint;
	prefix: number;
}

export interface ParsedAllowlist {
	rules: AllowRule[];
	/** Entries that are no address or range, as written; they allow nothing. */
	invalid: string[];
	/** Why the list is unusable: one sentence per invalid entry, or for a list without entries. */
	problems: string[];
	/** Usable but probably not meant: a range written with host bits (read as its network). */
	warnings: string[];
}

function formatAddress(version: 4 | 6, value: bigint): string {
	if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
	const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
	// RFC 5952: the longest run of two or more zero groups becomes "::".
	let best = { start: -1, length: 1 };
	for (let i = 0; i < 8; i++) {
		let length = 0;
		while (groups[i + length] === '0') length++;
		if (length > best.length) best = { start: i, length };
	}
	if (best.start < 0) return groups.join(':');
	return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** Why `entry` is no address or range; undefined when it is one. */
function entryProblem(entry: string, address: Address | undefined, prefixPart: string | undefined): string | undefined {
	if (!address) return `"${entry}" is not an IP address or a CIDR range`;
	if (prefixPart === undefined) return undefined;
	const bits = address.version === 6 ? 128 : 32;
	// Decimal digits only, no leading zero: Number() would also take "0x8", "1e1", "" or "000".
	if (!/^(0|[1-9]\d{0,2})$/.test(prefixPart) || Number(prefixPart) > bits) {
		return `"${entry}" has no valid prefix length (0 to ${bits})`;
	}
	// "/0" allows every address: only as an explicit 0.0.0.0/0 or ::/0, never by a typo.
	if (prefixPart === '0' && address.value !== 0n) {
		return `"${entry}" would allow every ${address.version === 6 ? 'IPv6' : 'IPv4'} address; write ${address.version === 6 ? '::/0' : '0.0.0.0/0'} if that is what you mean`;
	}
	return undefined;
}

/**
 * Entries separated by commas or white space: an address (IPv4, IPv6, IPv4-mapped) or a CIDR
 * range. Invalid entries allow nothing; a text of separators only lists nothing.
 */
export function parseAllowlist(text: string): ParsedAllowlist {
	const parsed: ParsedAllowlist = { rules: [], invalid: [], problems: [], warnings: [] };
	const entries = text.split(/[,\s]+/).filter(Boolean);
	if (entries.length === 0 && text.trim() !== '') {
		parsed.problems.push('the list has separators but no address; leave it empty to allow any sender');
	}
	for (const entry of entries) {
		const slash = entry.indexOf('/');
		const prefixPart = slash < 0 ? undefined : entry.slice(slash + 1);
		const address = parseAddress(slash < 0 ? entry : entry.slice(0, slash));
		const problem = entryProblem(entry, address, prefixPart);
		if (problem || !address) {
			parsed.invalid.push(entry);
			parsed.problems.push(problem ?? `"${entry}" is not an IP address or a CIDR range`);
			continue;
		}
		const bits = address.version === 6 ? 128 : 32;
		const prefix = prefixPart === undefined ? bits : Number(prefixPart);
		const shift = BigInt(bits - prefix);
		const network = (address.value >> shift) << shift;
		if (network !== address.value) {
			parsed.warnings.push(`"${entry}" has host bits set: it is read as the range ${formatAddress(address.version, network)}/${prefix}`);
		}
		parsed.rules.push({ version: address.version, network, prefix });
	}
	return parsed;
}

export function isAllowed(ip: string | undefined, rules: AllowRule[]): boolean {
	const address = ip ? parseAddress(ip) : undefined;
	if (!address) return false;
	const bits = address.version === 6 ? 128 : 32;
	return rules.some((rule) => {
		if (rule.version !== address.version) return false;
		const shift = BigInt(bits - rule.prefix);
		return (address.value >> shift) << shift === rule.network;
	});
}
