/**
 * The trigger's IP allowlist over real sockets (IPv4, IPv6 ::1, IPv4-mapped on a dual-stack
 * server), and a fuzz of ≥ 1,000 random query strings through the real HTTP path.
 */
import type { TriggerServerOptions } from './trigger-server';
import { rawGet, startTrigger, type RawAnswer } from './trigger-server';

const PATH = '/webhook/esms-voice';
const QUERY = 'ReferenceId=ip-1&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5';
const STARTED = { received: true, started: true };
const FORBIDDEN = { error: 'This address is not allowed to send eSMS callbacks' };

async function fromClient(ipAllowlist: string, client: '127.0.0.1' | '::1', host?: TriggerServerOptions['host'], path = `${PATH}?${QUERY}`) {
	const server = await startTrigger({ host: host ?? (client === '::1' ? '::' : '127.0.0.1'), params: { options: { ipAllowlist } } });
	const answer = await rawGet(server.port, path, client);
	return { server, answer };
}

describe('IP allowlist over real sockets', () => {
	test.each([
		['a single IPv4 address', '127.0.0.1', '127.0.0.1', undefined],
		['a CIDR range', '10.0.0.0/8, 127.0.0.0/8', '127.0.0.1', undefined],
		['/32', '127.0.0.1/32', '127.0.0.1', undefined],
		['IPv6 ::1 from an IPv6 client', '::1', '::1', undefined],
		['an IPv4 entry, client seen as IPv4-mapped (::ffff:127.0.0.1) by a dual-stack server', '127.0.0.1', '127.0.0.1', '::'],
		['an IPv4-mapped entry, plain IPv4 client', '::ffff:127.0.0.1', '127.0.0.1', undefined],
		['an IPv6 CIDR', '::/96, ::1/128', '::1', undefined],
	] as const)('allowed: %s', async (_label, list, client, host) => {
		const { server, answer } = await fromClient(list, client, host);
		expect([answer.status, answer.json]).toEqual([200, STARTED]);
		expect(server.executions).toHaveLength(1);
		if (host === '::') expect(server.executions[0].items[0].json.referenceId).toBe('ip-1');
	});

	test.each([
		['another address', '203.0.113.10', '127.0.0.1'],
		['another range', '10.0.0.0/8, 192.168.0.0/16', '127.0.0.1'],
		['IPv4 loopback is not ::1', '127.0.0.1', '::1'],
		['::1 is not IPv4 loopback', '::1', '127.0.0.1'],
		['only invalid entries', 'nonsense, 1.2.3.4/99', '127.0.0.1'],
		['a "/0" on another address is no allow-all', '10.1.2.3/0', '127.0.0.1'],
		['"/000" is no allow-all', '127.0.0.1/000', '127.0.0.1'],
		['an IPv6 "/0" on another address is no allow-all', '2001:db8::1/0', '::1'],
	] as const)('forbidden: %s → 403, nothing started', async (_label, list, client) => {
		const { server, answer } = await fromClient(list, client);
		expect([answer.status, answer.json]).toEqual([403, FORBIDDEN]);
		expect(server.executions).toHaveLength(0);
	});

	test('a list of separators only: 403, and a warning in the server log (activation refuses it)', async () => {
		const { server, answer } = await fromClient(' , , ', '127.0.0.1');
		expect([answer.status, answer.json]).toEqual([403, FORBIDDEN]);
		expect(server.logs.filter((l) => l.level === 'warn')).toEqual([
			{ level: 'warn', message: 'eSMS Voice Trigger: the IP allowlist lists no address: every callback is refused' },
		]);
	});

	test('the address is checked before the request is read: junk from a stranger is 403, not 400', async () => {
		const { server, answer } = await fromClient('203.0.113.10', '127.0.0.1', undefined, `${PATH}?nothing=here`);
		expect([answer.status, answer.json]).toEqual([403, FORBIDDEN]);
		expect(server.executions).toHaveLength(0);
	});

	test('invalid entries are logged as a warning and ignored; the valid ones apply', async () => {
		const { server, answer } = await fromClient('nonsense, 127.0.0.1, 10.0.0.0/33, 1.2.3.4/', '127.0.0.1');
		expect([answer.status, answer.json]).toEqual([200, STARTED]);
		expect(server.logs.filter((l) => l.level === 'warn')).toEqual([
			{ level: 'warn', message: 'eSMS Voice Trigger: ignoring invalid IP allowlist entries: nonsense, 10.0.0.0/33, 1.2.3.4/' },
		]);
	});
});

// ---------------------------------------------------------------------------
// Fuzz
// ---------------------------------------------------------------------------

/** mulberry32: reproducible randomness. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const SEED = 20260110;
const rand = prng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(list: readonly T[]): T => list[int(list.length)];

const NAMES = [
	'ReferenceId', 'referenceid', 'CallDuration', 'CallStatus', 'Ivr', 'Price', 'SentResult', 'CID', 'SendStatus', 'sendstatus',
	'__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__proto__[x]', 'constructor[prototype][x]',
	'signature', 'esmsPhone', '', 'x', '%00', '%E0%A4%A', '%zz',
];
const PRINTABLE = '!"$\'()*+,-./0123456789:;<>@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

function fuzzText(): string {
	switch (int(11)) {
		case 0:
			return '';
		case 1:
			return Array.from({ length: int(20) }, () => PRINTABLE[int(PRINTABLE.length)]).join('');
		case 2:
			return Array.from({ length: 1 + int(8) }, () => `%${int(256).toString(16).padStart(2, '0')}`).join('');
		case 3:
			return pick(['%', '%Z', '%E0%A4', '%E0%A4%A', '%zz', '%%', '%C3', '%ED%A0%80', '%F4%90%80%80', '%2', '%u00e9']);
		case 4:
			return pick(['?', '&', '=', '#', '+', '&&', '??', '==', '?&=', ';']);
		case 5: {
			const chars = Array.from({ length: 1 + int(6) }, () => String.fromCodePoint(pick([0xe9, 0x1ec7, 0x4e2d, 0x1f600, 0x200b, 0xfeff, 0x10ffff])));
			// Node's parser answers raw (unencoded) UTF-8 with 400 itself: mostly send it encoded.
			return rand() < 0.9 ? encodeURIComponent(chars.join('')) : chars.join('');
		}
		case 6:
			return rand() < 0.7 ? 'A'.repeat(1000 + int(5000)) : pick(['%41', '+', 'x']).repeat(20_000 + int(60_000));
		case 7:
			return pick(['2', '5', '7', '0', '-1', '5.0', ' 5', 'NaN', 'Infinity', '1e309', '99999999999999999999']);
		case 8:
			return pick(['ANSWERED', 'NO+ANSWER', 'NO%20ANSWER', 'NOANSWERED', 'answered', '']);
		case 9:
			return `r-${int(50)}`;
		default:
			return String(int(1000));
	}
}

function fuzzPath(): Buffer {
	const parts: string[] = [];
	if (rand() < 0.6) parts.push(`ReferenceId=${rand() < 0.8 ? `r-${int(40)}` : fuzzText()}`);
	const count = int(12);
	for (let i = 0; i < count; i++) {
		const name = rand() < 0.8 ? pick(NAMES) : fuzzText();
		parts.push(rand() < 0.15 ? name : `${name}=${fuzzText()}`);
	}
	if (rand() < 0.5) parts.push(`SendStatus=${pick(['5', '5', '2', '7', fuzzText()])}`);
	const separators = ['&', '&', '&', '?', '&&', ';'];
	let query = parts.map((p, i) => (i === 0 ? p : `${pick(separators)}${p}`)).join('');
	if (rand() < 0.2) query = `${pick(['', '?', '&', '=', '?token=abc?'])}${query}`;
	const path = Buffer.from(`${PATH}${rand() < 0.97 ? '?' : ''}${query}`, 'utf8');
	// A few requests carry raw control bytes or a space: Node itself answers those 400.
	if (rand() < 0.03) {
		const at = int(path.length - PATH.length) + PATH.length;
		return Buffer.concat([path.subarray(0, at), Buffer.from([pick([0x00, 0x01, 0x0b, 0x20, 0x7f, 0xff])]), path.subarray(at)]);
	}
	return path;
}

async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
	const out: T[] = new Array(count);
	let next = 0;
	await Promise.all(
		Array.from({ length: width }, async () => {
			while (next < count) {
				const i = next++;
				out[i] = await task(i);
			}
		}),
	);
	return out;
}

test(`fuzz: 1,300 random query strings → only 200 / 400 / 403, no crash (seed ${SEED})`, async () => {
	const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
	const open = await startTrigger({ params: { onlyFinal: false } });
	const filtered = await startTrigger({ params: { options: { answerFilter: 'answered', keysPressed: '1, 2' } } });
	const walled = await startTrigger({ params: { options: { ipAllowlist: '203.0.113.0/24, junk' } } });
	const targets = [open, open, open, filtered, walled];
	const paths = Array.from({ length: 1300 }, () => ({ path: fuzzPath(), target: targets[int(targets.length)] }));

	const answers: RawAnswer[] = await pool(paths.length, 24, (i) => rawGet(paths[i].target.port, paths[i].path));

	const statuses = new Map<number, number>();
	for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
	const unexpected = answers
		.map((a, i) => ({ status: a.status, path: paths[i].path.toString('latin1').slice(0, 200), body: a.body.slice(0, 200) }))
		.filter((a) => ![200, 400, 403].includes(a.status));
	expect(unexpected).toEqual([]);

	const servers = [open, filtered, walled];
	// The node handled almost all of them (Node's own parser rejects only the raw control bytes).
	const handled = servers.reduce((n, s) => n + s.handled, 0);
	expect(handled).toBeGreaterThanOrEqual(1100);
	// Every answer the node gave is one of its own; none came from the safety net or an exception.
	for (const s of servers) {
		for (const a of s.answers) expect([200, 400, 403]).toContain(a.status);
	}
	expect([...open.logs, ...filtered.logs].filter((l) => l.level !== 'debug')).toEqual([]);
	const junkWarning = 'eSMS Voice Trigger: ignoring invalid IP allowlist entries: junk';
	expect(walled.logs.length).toBe(walled.handled);
	expect(walled.logs.every((l) => l.level === 'warn' && l.message === junkWarning)).toBe(true);
	expect(walled.answers.every((a) => a.status === 403)).toBe(true);

	// Executions did start, each with a clean item.
	const started = [...open.executions, ...filtered.executions];
	expect(started.length).toBeGreaterThan(50);
	for (const { items } of started) {
		expect(items).toHaveLength(1);
		const json = items[0].json;
		expect(typeof json.referenceId).toBe('string');
		expect((json.referenceId as string).trim()).toBe(json.referenceId);
		expect(json.referenceId).not.toBe('');
		expect(Object.getPrototypeOf(json.raw)).toBe(Object.prototype);
		expect(Object.values(json.raw as object).every((v) => typeof v === 'string' && v.length <= 2000)).toBe(true);
		expect(() => JSON.stringify(json)).not.toThrow();
	}
	for (const { items } of filtered.executions) {
		expect(items[0].json).toMatchObject({ answered: true, sendStatus: 5 });
		expect(['1', '2']).toContain(items[0].json.keyPressed);
	}
	expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
	expect(({} as Record<string, unknown>).x).toBeUndefined();
	expect(statuses.get(200)).toBeGreaterThan(100);
	expect(statuses.get(400)).toBeGreaterThan(50);
	expect(statuses.get(403)).toBeGreaterThan(50);
});
