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
	invalid: string[];
}

export function parseAllowlist(text: string): ParsedAllowlist {
	const rules: AllowRule[] = [];
	const invalid: string[] = [];
	for (const entry of text.split(/[,\s]+/).filter(Boolean)) {
		const slash = entry.indexOf('/');
		const ipPart = slash < 0 ? entry : entry.slice(0, slash);
		const prefixPart = slash < 0 ? undefined : entry.slice(slash + 1);
		const address = parseAddress(ipPart);
		const bits = address?.version === 6 ? 128 : 32;
		const prefix = prefixPart === undefined ? bits : Number(prefixPart);
		// Decimal digits only: Number() would also take "0x8", "1e1" or "" (and "8/9" is no prefix).
		if (!address || prefix > bits || (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart))) {
			invalid.push(entry);
			continue;
		}
		const shift = BigInt(bits - prefix);
		rules.push({ version: address.version, network: (address.value >> shift) << shift, prefix });
	}
	return { rules, invalid };
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
