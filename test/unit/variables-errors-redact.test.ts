import { NodeOperationError } from 'n8n-workflow';

import { joinTemplateVariables } from '../../nodes/EsmsVoice/actions/call/makeCallFromTemplate.operation';
import { describeEsmsCode, ESMS_CODES } from '../../nodes/EsmsVoice/transport/errors';
import { redactSecrets } from '../../nodes/EsmsVoice/transport/redact';
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
		['105', 'Call or message ID not found', 'Check the ID (the referenceId returned when the call or voice OTP was sent) and its kind in Get Status. One sent seconds ago may not be queryable yet: wait and try again.'],
		['106', 'The recording does not exist', 'Check the Recording ID on account.esms.vn; it must be an uploaded, approved recording of this account.'],
		['108', 'The phone number is in a wrong format', 'Use a Vietnamese number such as 0912345678 or +84 912 345 678.'],
		['110', 'The request data is invalid', "eSMS rejected a field value (for example the key, speed or schedule). Check the node's fields against this README's tables; if they look right, ask eSMS support which value it refuses."],
		['118', 'Unsupported message type', 'Voice OTP must be enabled for your account; ask eSMS support.'],
		['124', 'Duplicate request ID', 'A request with this request ID was already accepted in the last 24 hours.'],
		['140', 'The caller IP address is not whitelisted', "Add your n8n server's public IP address to the whitelist on account.esms.vn, or turn the whitelist off."],
		['143', 'The account is not activated, or it is locked', 'Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.'],
		['146', 'Wrong customer-care template', 'Check the template on account.esms.vn; it must be approved for this kind of call.'],
		['160', 'Too many requests per second for this account (nothing was placed)', 'The node already waited and sent it again several times. Lower Options > Calls per Second, or ask eSMS support for a higher limit.'],
		['163', 'More than one phone number in one request', 'Voice OTP takes exactly one phone number per item; split the list into one item per number.'],
		['177', 'The network operator is not registered', "Your account cannot call this operator's numbers; ask eSMS support to register it."],
		['199', 'The same request already exists and is being processed', 'eSMS is still handling an identical request; wait a moment, then check with Get Status before sending again.'],
		['201', 'The content holds a blocked keyword', 'Reword the content (avoid words eSMS blocks) or ask eSMS support which word is refused.'],
		['210', 'The payload is invalid', "eSMS could not read the request. Check the node's fields; if the error stays, ask eSMS support."],
		['300', 'The message type is missing', 'The request reached eSMS without its type; update this node package or report it as a bug.'],
		['301', 'The service type is not supported', 'Your account is not set up for this service (voice calls or voice OTP); ask eSMS support.'],
	];

	test.each(table)('%s', (code, meaning, action) => {
		expect(describeEsmsCode(code)).toEqual({ meaning, action });
		// eSMS's own ErrorMessage does not replace the known meaning
		expect(describeEsmsCode(code, 'Something else')).toEqual({ meaning, action });
	});

	test('every error code of the API reference is known (and only those)', () => {
		expect(Object.keys(ESMS_CODES).sort()).toEqual(table.map(([code]) => code).sort());
	});

	test('unknown codes use eSMS ErrorMessage when there is one, and name the code', () => {
		const action = (code: string) =>
			`Code ${code} is not in eSMS's published error table. See the error code list on developers.esms.vn or ask eSMS support what it means.`;
		expect(describeEsmsCode('777', 'Service paused')).toEqual({ meaning: 'eSMS refused the request: Service paused', action: action('777') });
		expect(describeEsmsCode('777')).toEqual({ meaning: 'eSMS refused the request', action: action('777') });
		expect(describeEsmsCode('', '')).toEqual({ meaning: 'eSMS refused the request', action: action('(none)') });
		expect(describeEsmsCode('100')).toEqual({ meaning: 'eSMS refused the request', action: action('100') });
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

	test.each([
		[
			'CallbackUrl encoded once in a query',
			'GET /x CallbackUrl=https%3A%2F%2Fn8n.example.com%2Fwebhook-waiting%2F12%3Fsignature%3Dtok123%26esmsWait%3D1&Phone=09',
			'GET /x CallbackUrl=https%3A%2F%2Fn8n.example.com%2Fwebhook-waiting%2F12%3F…&Phone=09',
		],
		[
			'CallbackUrl encoded twice (a URL inside an encoded URL)',
			'url=%2Fx%3FCallbackUrl%3Dhttps%253A%252F%252Fn8n%252Fw%253Fsignature%253Dtok123%2526esmsWait%253D1%26Phone%3D09 end',
			'url=%2Fx%3FCallbackUrl%3Dhttps%253A%252F%252Fn8n%252Fw%253F… end',
		],
		['lower-case escapes', 'u=https%3a%2f%2fh%2fw%3fsignature%3dtok123', 'u=https%3a%2f%2fh%2fw%3f…'],
		['JSON-escaped URL', '{"CallbackUrl":"https:\\/\\/h\\/w?signature=tok123"}', '{"CallbackUrl":"https:\\/\\/h\\/w?…"}'],
		['signature= outside a URL', 'token signature=tok123&x=1', 'token signature=***&x=1'],
		['signature encoded once and twice', 'a signature%3Dtok123%26x b signature%253Dtok123%2526x', 'a signature%3D***%26x b signature%253D***%2526x'],
		['signature in JSON', '{"signature":"tok123"}', '{"signature":"***"}'],
		['ApiKey encoded twice', 'ApiKey%253Dabc%2526SecretKey%253Ddef', 'ApiKey%253D***%2526SecretKey%253D***'],
		['ApiKey in encoded JSON', '%7B%22ApiKey%22%3A%22abc%22%2C%22SecretKey%22%3A%22def%22%7D', '%7B%22ApiKey%22%3A%22***%22%2C%22SecretKey%22%3A%22***%22%7D'],
		['known secret encoded twice', `k=${encodeURIComponent(encodeURIComponent(SECRET))}.`, 'k=***.'],
		['known secret with + for spaces', 'k=a+b+c+d.', 'k=***.'],
	])('%s', (_label, input, expected) => {
		expect(redactSecrets(input, [...secrets, 'a b c d'])).toBe(expected);
	});

	test('short or empty secrets are not used (they would shred ordinary text)', () => {
		expect(redactSecrets('abc def', ['abc', '', undefined])).toBe('abc def');
	});
});
