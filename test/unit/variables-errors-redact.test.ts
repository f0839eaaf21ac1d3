import { NodeOperationError } from 'n8n-workflow';

import { joinTemplateVariables } from '../../nodes/EsmsVoice/actions/call/makeCallFromTemplate.operation';
import { describeEsmsCode, ESMS_CODES } from '../../nodes/shared/errors';
import { redactSecrets } from '../../nodes/shared/redact';
import { fakeContext } from './fake-context';

describe('joinTemplateVariables', () => {
	const join = (values: unknown[], item = 0) => joinTemplateVariables.call(fakeContext(), item, values);

	test('joins values left to right with ||', () => {
		expect(join(['Trung', 20000])).toBe('Trung||20000');
		expect(join(['Nguyễn Văn An', 'Huế', '15/03'])).toBe('Nguyễn Văn An||Huế||15/03');
		expect(join(['only'])).toBe('only');
		expect(join([])).toBe('');
	});

	test('empty, null and undefined values keep their place', () => {
		expect(join(['', 'b', null, undefined])).toBe('||b||||');
	});

	test('a single | is allowed; || in a value is refused naming the item and the position', () => {
		expect(join(['a|b'])).toBe('a|b');
		let error: unknown;
		try {
			join(['ok', 'A||B'], 4);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('Item 5, field "Variables (value 2)": contains "||"');
		expect((error as NodeOperationError).description).toBe(
			'Expected text without "||" (eSMS uses it to separate the variables).',
		);
		expect((error as NodeOperationError).context.itemIndex).toBe(4);
	});
});

describe('describeEsmsCode', () => {
	const table: Array<[string, string, string]> = [
		['99', 'The phone number is blocked', 'The number refused calls from your account or is on a block list; remove it from your list.'],
		['101', 'Wrong ApiKey or SecretKey', 'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.'],
		['102', 'No price list for the account', 'Ask eSMS support to set up voice-call pricing for your account.'],
		['103', 'Balance too low', 'Top up your eSMS account, then run the workflow again.'],
		['104', 'The brandname or call template does not exist', 'Check the Template ID on account.esms.vn; it must be an approved call script of this account.'],
		['105', 'Call ID not found', 'Check the Call ID (the SMSID returned by Make Call). A call made seconds ago may not be queryable yet: wait and try again.'],
		['106', 'The recording does not exist', 'Check the Recording ID on account.esms.vn; it must be an uploaded, approved recording of this account.'],
		['108', 'The phone number is in a wrong format', 'Use a Vietnamese number such as 0912345678 or +84 912 345 678.'],
		['118', 'Unsupported message type', 'Voice OTP must be enabled for your account; ask eSMS support.'],
		['124', 'Duplicate request ID', 'A request with this request ID was already accepted in the last 24 hours.'],
		['140', 'The caller IP address is not whitelisted', "Add your n8n server's public IP address to the whitelist on account.esms.vn, or turn the whitelist off."],
		['146', 'Wrong customer-care template', 'Check the template on account.esms.vn; it must be approved for this kind of call.'],
		['177', 'The network operator is not registered', "Your account cannot call this operator's numbers; ask eSMS support to register it."],
	];

	test.each(table)('%s', (code, meaning, action) => {
		expect(describeEsmsCode(code)).toEqual({ meaning, action });
		// eSMS's own ErrorMessage does not replace the known meaning
		expect(describeEsmsCode(code, 'Something else')).toEqual({ meaning, action });
	});

	test('every error code of the API reference is known (and only those)', () => {
		expect(Object.keys(ESMS_CODES).sort()).toEqual(table.map(([code]) => code).sort());
	});

	test('unknown codes use eSMS ErrorMessage when there is one', () => {
		const action = 'See the eSMS error code list on developers.esms.vn or ask eSMS support.';
		expect(describeEsmsCode('777', 'Service paused')).toEqual({ meaning: 'eSMS refused the request: Service paused', action });
		expect(describeEsmsCode('777')).toEqual({ meaning: 'eSMS refused the request', action });
		expect(describeEsmsCode('', '')).toEqual({ meaning: 'eSMS refused the request', action });
		expect(describeEsmsCode('100')).toEqual({ meaning: 'eSMS refused the request', action });
	});
});

describe('redactSecrets', () => {
	const API = 'LIVE-API-KEY-7788';
	const SECRET = 'Sec/ret+Key=99&x';
	const secrets = [API, SECRET];

	test.each([
		[
			'URL query',
			'GET https://voiceapi.esms.vn/MainService.svc/json/MakeCallRecord_V2?ApiKey=abc&SecretKey=def&Phone=0912345678 failed',
			'GET https://voiceapi.esms.vn/MainService.svc/json/MakeCallRecord_V2?… failed',
		],
		['URL query with fragment', 'http://127.0.0.1:9/x?ApiKey=a#frag', 'http://127.0.0.1:9/x?…#frag'],
		['ApiKey= outside a URL', 'params: ApiKey=abc&Phone=1', 'params: ApiKey=***&Phone=1'],
		['SecretKey= and api_key=', 'SecretKey=def api_key=ghi secret-key: jkl', 'SecretKey=*** api_key=*** secret-key: ***'],
		['JSON body', '{"ApiKey":"abc","SecretKey":"def","Phone":"0912"}', '{"ApiKey":"***","SecretKey":"***","Phone":"0912"}'],
		['JSON with spaces', '{ "ApiKey" : "abc" }', '{ "ApiKey" : "***" }'],
		['object dump', "{ ApiKey: 'abc', SecretKey: 'def' }", "{ ApiKey: '***', SecretKey: '***' }"],
		['plain secret values', `keys were ${API} and ${SECRET}.`, 'keys were *** and ***.'],
		['URL-encoded secret', `body SecretKey%3D${encodeURIComponent(SECRET)} sent`, 'body SecretKey%3D*** sent'],
		['secret inside other text', `x${API}y`, 'x***y'],
		['nothing to redact', 'eSMS error 101: Wrong ApiKey or SecretKey', 'eSMS error 101: Wrong ApiKey or SecretKey'],
	])('%s', (_label, input, expected) => {
		expect(redactSecrets(input, secrets)).toBe(expected);
	});

	test('no key material survives any of the shapes', () => {
		const text = [
			`https://rest.esms.vn/x?ApiKey=${API}&SecretKey=${encodeURIComponent(SECRET)}`,
			JSON.stringify({ ApiKey: API, SecretKey: SECRET }),
			`ApiKey=${API}`,
			encodeURIComponent(SECRET),
			SECRET,
		].join(' | ');
		const out = redactSecrets(text, secrets);
		expect(out).not.toContain(API);
		expect(out).not.toContain(SECRET);
		expect(out).not.toContain(encodeURIComponent(SECRET));
		expect(out).not.toContain('LIVE-API');
	});

	test('short or empty secrets are not used (they would shred ordinary text)', () => {
		expect(redactSecrets('abc def', ['abc', '', undefined])).toBe('abc def');
	});
});
