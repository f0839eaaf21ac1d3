/** Unit tests: reading the callback query, the normalised result, and IP allowlists. */
import { deliveryKey, parseCallbackQuery, parseEsmsCallback } from '../../nodes/shared/callback';
import { normalizeCallResult } from '../../nodes/shared/callResult';
import { isAllowed, parseAddress, parseAllowlist } from '../../nodes/EsmsVoiceTrigger/ipAllowlist';

describe('parseCallbackQuery', () => {
	test('a literal ";" stays inside its value (only & and a stray ? separate parameters)', () => {
		expect(parseCallbackQuery('/hook?ReferenceId=a;b&CID=1;2')).toEqual({ ReferenceId: 'a;b', CID: '1;2' });
	});

	test('path or full URL; no "?" means no parameters; the fragment is ignored', () => {
		expect(parseCallbackQuery('/hook?a=1&b=2')).toEqual({ a: '1', b: '2' });
		expect(parseCallbackQuery('https://n8n.example.com/webhook/x?a=1#b=2')).toEqual({ a: '1' });
		expect(parseCallbackQuery('/hook')).toEqual({});
		expect(parseCallbackQuery('')).toEqual({});
		expect(parseCallbackQuery('/hook?')).toEqual({});
		expect(parseCallbackQuery('/hook?&&=x&')).toEqual({});
	});

	test('a stray "?" separates parameters like "&"', () => {
		expect(parseCallbackQuery('/hook?signature=abc?ReferenceId=r&SendStatus=5')).toEqual({ signature: 'abc', ReferenceId: 'r', SendStatus: '5' });
		expect(parseCallbackQuery('/hook??ReferenceId=r')).toEqual({ ReferenceId: 'r' });
	});

	test('a later non-empty value wins; an empty one never erases a value', () => {
		expect(parseCallbackQuery('?a=1&a=2')).toEqual({ a: '2' });
		expect(parseCallbackQuery('?a=1&a=')).toEqual({ a: '1' });
		expect(parseCallbackQuery('?a=&a=1')).toEqual({ a: '1' });
		expect(parseCallbackQuery('?a=&a=')).toEqual({ a: '' });
		expect(parseCallbackQuery('?flag')).toEqual({ flag: '' });
		expect(parseCallbackQuery('?a=b=c')).toEqual({ a: 'b=c' });
	});

	test('eSMS names are matched case-insensitively and spelled canonically; others keep their case', () => {
		expect(parseCallbackQuery('?REFERENCEID=r&sendstatus=5&Cid=1&MyParam=x')).toEqual({ ReferenceId: 'r', SendStatus: '5', CID: '1', MyParam: 'x' });
		expect(parseCallbackQuery('?referenceid=&ReferenceId=r')).toEqual({ ReferenceId: 'r' });
		expect(parseCallbackQuery('?+ReferenceId+=r')).toEqual({ ReferenceId: 'r' });
	});

	test('decoding: "+" and %20 are spaces, %2B a plus, UTF-8 escapes decoded', () => {
		expect(parseCallbackQuery('?a=NO+ANSWER&b=NO%20ANSWER&c=%2B84&d=Vi%E1%BB%87t+Nam&e%20f=1')).toEqual({
			a: 'NO ANSWER', b: 'NO ANSWER', c: '+84', d: 'Việt Nam', 'e f': '1',
		});
	});

	test('broken escapes are kept as sent, well-formed ones around them decoded', () => {
		expect(parseCallbackQuery('?a=%E0%A4%A&b=%zz&c=%41%zz&d=100%&e=%')).toEqual({ a: '%E0%A4%A', b: '%zz', c: 'A%zz', d: '100%', e: '%' });
		expect(parseCallbackQuery('?a=%C3%A9%E0%A4')).toEqual({ a: 'é%E0%A4' });
		expect(parseCallbackQuery('?a=%E0%A4x%C3%A9')).toEqual({ a: '%E0%A4xé' });
		expect(parseCallbackQuery('?a=%FF%C3%A9%80')).toEqual({ a: '%FFé%80' });
		expect(parseCallbackQuery('?a=%ED%A0%80')).toEqual({ a: '%ED%A0%80' }); // a UTF-16 surrogate: not valid UTF-8
	});

	test('__proto__ / constructor keys are ordinary own properties; nothing is polluted', () => {
		const parsed = parseCallbackQuery('?__proto__=x&constructor=y&__proto__[polluted]=1&hasOwnProperty=z');
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor', '__proto__[polluted]', 'hasOwnProperty']);
		expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('x');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(JSON.stringify(parsed)).toBe('{"__proto__":"x","constructor":"y","__proto__[polluted]":"1","hasOwnProperty":"z"}');
	});

	test('limits: 100 parameters, keys up to 100 characters, values cut at 2000', () => {
		const many = Array.from({ length: 150 }, (_, i) => `p${i}=${i}`).join('&');
		const parsed = parseCallbackQuery(`?${many}&p5=again`);
		expect(Object.keys(parsed)).toHaveLength(100);
		expect(parsed.p99).toBe('99');
		expect(parsed.p100).toBeUndefined();
		expect(parsed.p5).toBe('again'); // an already-seen key still updates
		expect(parseCallbackQuery(`?${'k'.repeat(100)}=1&${'k'.repeat(101)}=2`)).toEqual({ ['k'.repeat(100)]: '1' });
		expect(parseCallbackQuery(`?v=${'x'.repeat(5000)}`).v).toBe('x'.repeat(2000));
		expect(parseCallbackQuery(`?v=${'%41'.repeat(3000)}`).v).toBe('A'.repeat(2000));
	});
});

describe('parseEsmsCallback / normalizeCallResult / deliveryKey', () => {
	test('no ReferenceId (or a blank one) is not a callback', () => {
		expect(parseEsmsCallback('/h?SendStatus=5')).toEqual({ result: undefined, raw: { SendStatus: '5' } });
		expect(parseEsmsCallback('/h?ReferenceId=+&SendStatus=5').result).toBeUndefined();
	});

	test('dropped parameters leave raw (resume token)', () => {
		const { result, raw } = parseEsmsCallback('/h?signature=tok&ReferenceId=r&SendStatus=5', ['signature']);
		expect(raw).toEqual({ ReferenceId: 'r', SendStatus: '5' });
		expect(result?.referenceId).toBe('r');
	});

	test('numbers as numbers (GetSendStatus) and as text give the same result', () => {
		const fromNumbers = normalizeCallResult({ ReferenceId: ' r ', CallDuration: 13, CallStatus: 'ANSWERED', Ivr: 2, Price: 500, SentResult: 1, CID: 2871002454, SendStatus: 5 });
		const fromText = normalizeCallResult({ ReferenceId: 'r', CallDuration: '13', CallStatus: ' answered ', Ivr: '2', Price: '500.0000', SentResult: '1', CID: '2871002454', SendStatus: '5' });
		const expected = {
			referenceId: 'r', answered: true, callStatus: 'answered', durationSeconds: 13, keyPressed: '2', price: 500,
			sentResult: true, callerId: '2871002454', sendStatus: 5, sendStatusLabel: 'Finished', final: true,
		};
		expect(fromNumbers).toMatchObject({ ...expected, callStatusRaw: 'ANSWERED' });
		expect(fromText).toMatchObject({ ...expected, callStatusRaw: 'answered' });
	});

	test('spellings of "no answer", unknown statuses and junk numbers', () => {
		for (const s of ['NO ANSWER', 'no  answer', 'NOANSWERED', 'NOANSWER', 'NO_ANSWER']) {
			expect([s, normalizeCallResult({ ReferenceId: 'r', CallStatus: s }).callStatus]).toEqual([s, 'noAnswer']);
		}
		const junk = normalizeCallResult({ ReferenceId: 'r', CallStatus: 'BUSY', CallDuration: 'abc', Price: 'n/a', SentResult: 'yes', SendStatus: '9' });
		expect(junk).toMatchObject({ callStatus: 'unknown', answered: false, durationSeconds: 0, price: null, sentResult: false, sendStatus: 9, sendStatusLabel: 'Unknown (9)', final: false });
		expect(normalizeCallResult({ ReferenceId: 'r', SendStatus: 'Infinity' }).sendStatus).toBeNull();
	});

	test('deliveryKey is reference + send status', () => {
		expect(deliveryKey(normalizeCallResult({ ReferenceId: 'r', SendStatus: '5' }))).toBe('r|5');
		expect(deliveryKey(normalizeCallResult({ ReferenceId: 'r' }))).toBe('r|');
	});
});

describe('IP allowlist', () => {
	test('addresses: IPv4, IPv6 compressed and full forms, brackets, zones, IPv4-mapped', () => {
		expect(parseAddress('10.1.2.3')).toEqual({ version: 4, value: 0x0a010203n });
		expect(parseAddress('::1')).toEqual({ version: 6, value: 1n });
		expect(parseAddress('::')).toEqual({ version: 6, value: 0n });
		expect(parseAddress('[::1]')).toEqual({ version: 6, value: 1n });
		expect(parseAddress('fe80::1%eth0')).toEqual({ version: 6, value: (0xfe80n << 112n) + 1n });
		const full = parseAddress('2001:0db8:0000:0000:0000:0000:0000:0001');
		expect(full).toEqual(parseAddress('2001:db8::1'));
		expect(full).toEqual(parseAddress('2001:DB8:0:0::1'));
		expect(parseAddress('2001:db8::')).toEqual({ version: 6, value: 0x20010db8n << 96n });
		expect(parseAddress('1::')).toEqual({ version: 6, value: 1n << 112n });
		expect(parseAddress('::ffff:127.0.0.1')).toEqual({ version: 4, value: 0x7f000001n });
		expect(parseAddress('::FFFF:10.0.0.1')).toEqual({ version: 4, value: 0x0a000001n });
		expect(parseAddress('64:ff9b::1.2.3.4')).toEqual({ version: 6, value: (0x64n << 112n) + (0xff9bn << 96n) + 0x01020304n });
	});

	test.each([
		'', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-1', 'a.b.c.d', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9',
		'1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', 'g::1', '::ffff:999.0.0.1', '1:2:3:4:5:6:7::8', 'localhost',
	])('invalid address %p', (text) => {
		expect(parseAddress(text)).toBeUndefined();
	});

	test('CIDR ranges: /0, /8, /32, /128, network normalised', () => {
		const { rules, invalid, warnings } = parseAllowlist('10.1.2.3/8, 0.0.0.0/0\n203.0.113.10/32  2001:db8::/32 ::1/128');
		expect(invalid).toEqual([]);
		expect(warnings).toEqual(['"10.1.2.3/8" has host bits set: it is read as the range 10.0.0.0/8']);
		expect(rules).toEqual([
			{ version: 4, network: 0x0a000000n, prefix: 8 },
			{ version: 4, network: 0n, prefix: 0 },
			{ version: 4, network: 0xcb00710an, prefix: 32 },
			{ version: 6, network: 0x20010db8n << 96n, prefix: 32 },
			{ version: 6, network: 1n, prefix: 128 },
		]);
	});

	test('matching', () => {
		const allow = (list: string, ip: string | undefined) => isAllowed(ip, parseAllowlist(list).rules);
		expect(allow('10.0.0.0/8', '10.255.1.2')).toBe(true);
		expect(allow('10.0.0.0/8', '11.0.0.0')).toBe(false);
		expect(allow('10.0.0.0/8', '::ffff:10.0.0.5')).toBe(true);
		expect(allow('203.0.113.10', '203.0.113.10')).toBe(true);
		expect(allow('203.0.113.10/32', '203.0.113.11')).toBe(false);
		expect(allow('203.0.113.0/31', '203.0.113.1')).toBe(true);
		expect(allow('0.0.0.0/0', '8.8.8.8')).toBe(true);
		expect(allow('0.0.0.0/0', '::1')).toBe(false);
		expect(allow('::/0', '2001:db8::9')).toBe(true);
		expect(allow('::/0', '127.0.0.1')).toBe(false);
		expect(allow('::/0', '::ffff:127.0.0.1')).toBe(false); // mapped addresses are IPv4
		expect(allow('::ffff:127.0.0.1', '127.0.0.1')).toBe(true);
		expect(allow('2001:db8::/32', '2001:0db8:ffff::1')).toBe(true);
		expect(allow('2001:db8::/32', '2001:db9::1')).toBe(false);
		expect(allow('::1', '::1')).toBe(true);
		expect(allow('::1', '127.0.0.1')).toBe(false);
		expect(allow('127.0.0.1', undefined)).toBe(false);
		expect(allow('127.0.0.1', 'garbage')).toBe(false);
		expect(allow('', '127.0.0.1')).toBe(false);
	});

	test.each([
		'1.2.3.4/33', '::1/129', '1.2.3.4/', '1.2.3.4/-1', '1.2.3.4/8.5', '1.2.3.4/0x8', '1.2.3.4/1e1', '1.2.3.4/8/9',
		'/8', 'nonsense', '300.0.0.0/8', '1.2.3.4/ab',
	])('invalid entry %p is reported, the valid ones still apply', (entry) => {
		const { rules, invalid } = parseAllowlist(`127.0.0.1, ${entry}`);
		expect(invalid).toEqual([entry]);
		expect(rules).toEqual([{ version: 4, network: 0x7f000001n, prefix: 32 }]);
	});
});

describe('allowlist rules: no surprise', () => {
	test.each([
		['10.1.2.3/0', '"10.1.2.3/0" would allow every IPv4 address; write 0.0.0.0/0 if that is what you mean'],
		['::ffff:1.2.3.4/0', '"::ffff:1.2.3.4/0" would allow every IPv4 address; write 0.0.0.0/0 if that is what you mean'],
		['2001:db8::1/0', '"2001:db8::1/0" would allow every IPv6 address; write ::/0 if that is what you mean'],
		['127.0.0.1/000', '"127.0.0.1/000" has no valid prefix length (0 to 32)'],
		['0.0.0.0/00', '"0.0.0.0/00" has no valid prefix length (0 to 32)'],
		['10.0.0.0/08', '"10.0.0.0/08" has no valid prefix length (0 to 32)'],
		['::1/129', '"::1/129" has no valid prefix length (0 to 128)'],
		['nonsense', '"nonsense" is not an IP address or a CIDR range'],
	])('%p is invalid and allows nothing', (entry, problem) => {
		const parsed = parseAllowlist(entry);
		expect(parsed).toEqual({ rules: [], invalid: [entry], problems: [problem], warnings: [] });
		for (const ip of ['127.0.0.1', '8.8.8.8', '10.1.2.3', '::1', '2001:db8::1']) expect(isAllowed(ip, parsed.rules)).toBe(false);
	});

	test('"/0" allows every address only as an explicit 0.0.0.0/0 or ::/0', () => {
		const parsed = parseAllowlist('0.0.0.0/0, ::/0');
		expect(parsed).toEqual({
			rules: [{ version: 4, network: 0n, prefix: 0 }, { version: 6, network: 0n, prefix: 0 }],
			invalid: [], problems: [], warnings: [],
		});
		expect(isAllowed('8.8.8.8', parsed.rules)).toBe(true);
		expect(isAllowed('2001:db8::1', parsed.rules)).toBe(true);
	});

	test.each([',', ' , , ', ',,\n,\t'])('%p (separators only) is a problem, not a silent block of every sender', (text) => {
		expect(parseAllowlist(text)).toEqual({
			rules: [], invalid: [], problems: ['the list has separators but no address; leave it empty to allow any sender'], warnings: [],
		});
	});

	test('an empty text lists nothing and is no problem (the trigger then allows any sender)', () => {
		expect(parseAllowlist('')).toEqual({ rules: [], invalid: [], problems: [], warnings: [] });
	});

	test.each([
		['10.1.2.3/24', '10.1.2.0/24', 4, 0x0a010200n, 24],
		['203.0.113.77/31', '203.0.113.76/31', 4, 0xcb00714cn, 31],
		['2001:db8::1/32', '2001:db8::/32', 6, 0x20010db8n << 96n, 32],
		['::1/64', '::/64', 6, 0n, 64],
		['1:0:0:2:0:0:0:3/127', '1:0:0:2::2/127', 6, (1n << 112n) + (2n << 64n) + 2n, 127],
	] as const)('host bits set (%p): a warning naming the range it is read as', (entry, range, version, network, prefix) => {
		expect(parseAllowlist(entry)).toEqual({
			rules: [{ version, network, prefix }], invalid: [], problems: [],
			warnings: [`"${entry}" has host bits set: it is read as the range ${range}`],
		});
	});

	test('exact networks and single addresses warn about nothing', () => {
		expect(parseAllowlist('10.1.2.0/24, 10.1.2.3, 10.1.2.3/32, 2001:db8::/32, ::1, ::1/128').warnings).toEqual([]);
	});
});
