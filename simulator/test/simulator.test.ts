import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../src';
import { getVoice, getVoiceJson, postRestJson, stoppedAfterEachTest } from './helpers';

const KEYS = { ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FAST: SimulatorOptions = { callDelayMs: 30, callbackRetryDelayMs: 10 };

const { startSim, startReceiver } = stoppedAfterEachTest(FAST);

const get = getVoice;
const getJson = getVoiceJson;
const postJson = postRestJson;

const record = (sim: EsmsSimulator, extra: Record<string, string> = {}): Promise<unknown> =>
	getJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678', ...extra });
const status = (sim: EsmsSimulator, id: string): Promise<unknown> =>
	getJson(sim, 'GetSendStatus', { ...KEYS, ReferenceId: id });
const smsId = (answer: unknown): string => (answer as { SMSID: string }).SMSID;

describe('success answers', () => {
	test('MakeCallRecord_V2 answers CodeResult 100 and a UUID SMSID, and records a pending call', async () => {
		const sim = await startSim();
		const response = await get(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678', Ivr: '1', MaxRetry: '2' });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		const body = (await response.json()) as Record<string, unknown>;
		expect(Object.keys(body)).toEqual(['CodeResult', 'SMSID']);
		expect(body.CodeResult).toBe('100');
		expect(body.SMSID).toMatch(UUID);
		const call = sim.getCall(body.SMSID as string);
		expect(call).toMatchObject({ endpoint: 'MakeCallRecord_V2', phone: '0912345678', templateId: '1001', status: 'pending' });
		expect(call?.params).toEqual({ TemplateId: '1001', Phone: '0912345678', Ivr: '1', MaxRetry: '2' });
		expect(sim.requests[0]).toMatchObject({ host: 'voice', endpoint: 'MakeCallRecord_V2', method: 'GET', code: '100' });
		expect(sim.requests[0].rawQuery).toBe(
			`ApiKey=${DEFAULT_API_KEY}&SecretKey=${DEFAULT_SECRET_KEY}&TemplateId=1001&Phone=0912345678&Ivr=1&MaxRetry=2`,
		);
	});

	test('MakeCallTemplate_V2 accepts variables, voice and speed', async () => {
		const sim = await startSim();
		const body = await getJson(sim, 'MakeCallTemplate_V2', {
			...KEYS, TemplateId: '2002', Phone: '84912345678', VariableListStr: 'Trung||20000', Voice: 'hatieumai', Speed: '-3',
		});
		expect(Object.keys(body as object)).toEqual(['CodeResult', 'SMSID']);
		expect((body as { CodeResult: string }).CodeResult).toBe('100');
		expect(sim.getCall(smsId(body))).toMatchObject({ phone: '84912345678', normalizedPhone: '0912345678', templateId: '2002' });
	});

	test('SendMultipleMessage_V4_post_json accepts a voice OTP (trailing slash, SmsType as number)', async () => {
		const sim = await startSim();
		const response = await fetch(`${sim.restBaseUrl}/SendMultipleMessage_V4_post_json/`, {
			method: 'POST',
			body: JSON.stringify({ ...KEYS, Phone: '0912345678', Content: '1234', SmsType: 8, IsUnicode: 0 }),
		});
		const body = (await response.json()) as Record<string, unknown>;
		// As the docs' sample: CountRegenerate, and an SMSID of 35 hex digits (not a UUID).
		expect(Object.keys(body)).toEqual(['CodeResult', 'CountRegenerate', 'SMSID']);
		expect(body.CodeResult).toBe('100');
		expect(body.SMSID).toMatch(/^[0-9a-f]{35}$/);
		expect(sim.getCall(body.SMSID as string)).toMatchObject({ endpoint: 'SendMultipleMessage_V4_post_json', content: '1234' });
		expect(sim.requests[0].body).toEqual({ ...KEYS, Phone: '0912345678', Content: '1234', SmsType: 8, IsUnicode: 0 });
	});

	test('a Sandbox OTP is accepted but places no call', async () => {
		const receiver = await startReceiver();
		const sim = await startSim();
		const body = await postJson(sim, 'SendMultipleMessage_V4_post_json', {
			...KEYS, Phone: '0912345678', Content: '1234', SmsType: '8', Sandbox: 1, CallbackUrl: `${receiver.url}/hook`,
		});
		expect((body as { CodeResult: string }).CodeResult).toBe('100');
		expect(sim.getCall(smsId(body))).toBeUndefined();
		await new Promise((resolve) => setTimeout(resolve, 80));
		expect(receiver.hits).toEqual([]);
		expect(await status(sim, smsId(body))).toEqual({ CodeResponse: '105', ErrorMessage: 'ReferenceId not found' });
	});

	test('GetBalance_json answers the balance', async () => {
		const sim = await startSim({ balance: 36693 });
		expect(await postJson(sim, 'GetBalance_json', KEYS)).toEqual({ Balance: 36693, CodeResponse: '100', UserID: 9999 });
	});
});

describe('error codes', () => {
	const wrong = { ApiKey: DEFAULT_API_KEY, SecretKey: 'wrong' };

	test('101 on every endpoint, in its own shape', async () => {
		const sim = await startSim();
		const authFailed = { CodeResult: '101', ErrorMessage: 'Authorize Failed' };
		expect(await getJson(sim, 'MakeCallRecord_V2', { ...wrong, TemplateId: '1001', Phone: '0912345678' })).toEqual(authFailed);
		expect(await getJson(sim, 'MakeCallTemplate_V2', { TemplateId: '2001', Phone: '0912345678' })).toEqual(authFailed);
		expect(await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...wrong, Phone: '0912345678', Content: '1', SmsType: '8' })).toEqual(authFailed);
		expect(await postJson(sim, 'GetBalance_json', wrong)).toEqual({ Balance: 0, CodeResponse: '101', ErrorMessage: 'Authorize Failed' });
		// GetSendStatus answers wrong keys with CodeResult (not CodeResponse) and CountRegenerate.
		expect(await getJson(sim, 'GetSendStatus', { ...wrong, ReferenceId: 'x' })).toEqual({ CodeResult: '101', CountRegenerate: 0, ErrorMessage: 'Authorize Failed' });
		expect(sim.requests.map((r) => r.code)).toEqual(['101', '101', '101', '101', '101']);
	});

	test('104, 106, 108, 118 and 103', async () => {
		const sim = await startSim({ balance: 499 });
		expect(await getJson(sim, 'MakeCallTemplate_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' })).toEqual({ CodeResult: '104', ErrorMessage: 'Template not found' });
		expect(await record(sim, { TemplateId: '2001' })).toEqual({ CodeResult: '106', ErrorMessage: 'Recording not found' });
		expect(await record(sim, { Phone: '+84912345678' })).toEqual({ CodeResult: '108', ErrorMessage: 'Invalid phone number' });
		expect(await record(sim, { Phone: '091234567' })).toEqual({ CodeResult: '108', ErrorMessage: 'Invalid phone number' });
		expect(await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912345678', Content: '1', SmsType: '2' })).toEqual({ CodeResult: '118', ErrorMessage: 'Unsupported message type' });
		expect(await record(sim)).toEqual({ CodeResult: '103', ErrorMessage: 'Balance not enough' });
		expect(await record(sim, { RequestId: 'r1' })).toEqual({ CodeResult: '103', ErrorMessage: 'Balance not enough' });
		sim.balance = 500;
		// A refused request does not use up its RequestId.
		expect((await record(sim, { RequestId: 'r1' }) as { CodeResult: string }).CodeResult).toBe('100');
	});

	test('110 for malformed optional parameters (the docs are silent: an assumption)', async () => {
		const sim = await startSim();
		expect(await record(sim, { SendDate: '2017-12-12 14:00:00' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid SendDate' });
		expect(await record(sim, { SendDate: '2017/13/12 14:00:00' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid SendDate' });
		expect(await record(sim, { Ivr: '12' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid Ivr' });
		expect(await record(sim, { MaxRetry: '-1' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid MaxRetry' });
		expect(await record(sim, { RequestId: 'x'.repeat(51) })).toEqual({ CodeResult: '110', ErrorMessage: 'RequestId too long' });
		const tts = { ...KEYS, TemplateId: '2001', Phone: '0912345678' };
		expect(await getJson(sim, 'MakeCallTemplate_V2', { ...tts, Voice: 'robot' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid Voice' });
		expect(await getJson(sim, 'MakeCallTemplate_V2', { ...tts, Speed: '4' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid Speed' });
		const otp = { ...KEYS, Phone: '0912345678', Content: '1', SmsType: '8' };
		expect(await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...otp, SendDate: '2017/12/12 14:00:00' })).toEqual({ CodeResult: '110', ErrorMessage: 'Invalid SendDate' });
		expect((await record(sim, { SendDate: '2017/12/12 14:00:00', RequestId: 'x'.repeat(50), Ivr: '0' }) as { CodeResult: string }).CodeResult).toBe('100');
		expect((await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...otp, SendDate: '2017-12-12 14:00:00' }) as { CodeResult: string }).CodeResult).toBe('100');
	});

	test('124 for a repeated RequestId, across endpoints', async () => {
		const sim = await startSim();
		expect((await record(sim, { RequestId: 'order-1' }) as { CodeResult: string }).CodeResult).toBe('100');
		const duplicate = { CodeResult: '124', ErrorMessage: 'Duplicate RequestId' };
		expect(await record(sim, { RequestId: 'order-1' })).toEqual(duplicate);
		expect(await getJson(sim, 'MakeCallTemplate_V2', { ...KEYS, TemplateId: '2001', Phone: '0912345678', RequestId: 'order-1' })).toEqual(duplicate);
		expect(await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912345678', Content: '1', SmsType: '8', RequestId: 'order-1' })).toEqual(duplicate);
		await postJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912345678', Content: '1', SmsType: '8', Sandbox: 1, RequestId: 'otp-1' });
		expect(await record(sim, { RequestId: 'otp-1' })).toEqual(duplicate);
		expect(sim.requests.map((r) => r.code)).toEqual(['100', '124', '124', '124', '100', '124']);
		sim.reset();
		expect((await record(sim, { RequestId: 'order-1' }) as { CodeResult: string }).CodeResult).toBe('100');
	});

	test('a scripted code answers the request and places nothing', async () => {
		const sim = await startSim({ outcomes: { '84987654321': { callStatus: '', code: '177' } } });
		expect(await record(sim, { Phone: '0987654321' })).toEqual({ CodeResult: '177', ErrorMessage: 'Network operator not registered' });
		sim.setOutcome('0911111111', { callStatus: '', code: '99' });
		expect(await record(sim, { Phone: '84911111111' })).toEqual({ CodeResult: '99', ErrorMessage: 'Phone number is blocked' });
		await sim.waitForIdle(1000);
		expect(sim.balance).toBe(1_000_000);
	});

	test('unknown paths answer 404 and wrong methods 405, and are recorded', async () => {
		const sim = await startSim();
		const missing = await fetch(`${sim.url}/voice/MainService.svc/json/GetBalance_json`, { method: 'POST', body: '{}' });
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ ErrorMessage: 'Endpoint not found' });
		const wrongMethod = await fetch(`${sim.restBaseUrl}/GetBalance_json`);
		expect(wrongMethod.status).toBe(405);
		expect((await fetch(`${sim.url}/nowhere?a=1`)).status).toBe(404);
		expect(sim.requests.map((r) => [r.host, r.endpoint, r.method, r.rawQuery, r.code])).toEqual([
			['voice', 'GetBalance_json', 'POST', '', undefined],
			['rest', 'GetBalance_json', 'GET', '', undefined],
			['unknown', 'nowhere', 'GET', 'a=1', undefined],
		]);
		expect(sim.requestsTo('GetBalance_json').map((r) => r.host)).toEqual(['rest']);
	});
});

describe('call status', () => {
	test('pending, then final with ANSWERED', async () => {
		const sim = await startSim();
		const id = smsId(await record(sim));
		expect(await status(sim, id)).toEqual({ CallDuration: 0, CallStatus: '', CodeResponse: '100', Ivr: '', ReferenceId: id, SendStatus: 2, SentResult: 0 });
		await sim.waitForIdle(1000);
		expect(await status(sim, id)).toEqual({ CallDuration: 13, CallStatus: 'ANSWERED', CodeResponse: '100', Ivr: '1', ReferenceId: id, SendStatus: 5, SentResult: 1 });
		expect(await status(sim, 'no-such-id')).toEqual({ CodeResponse: '105', ErrorMessage: 'ReferenceId not found' });
	});

	test('no answer is spelled NOANSWERED here; numbersAsStrings turns numbers into strings', async () => {
		const sim = await startSim({ numbersAsStrings: true, outcomes: { '0912345678': { callStatus: 'NO ANSWER' } } });
		const id = smsId(await record(sim));
		expect(await status(sim, id)).toEqual({ CallDuration: '0', CallStatus: '', CodeResponse: '100', Ivr: '', ReferenceId: id, SendStatus: '2', SentResult: '0' });
		await sim.waitForIdle(1000);
		expect(await status(sim, id)).toEqual({ CallDuration: '0', CallStatus: 'NOANSWERED', CodeResponse: '100', Ivr: '', ReferenceId: id, SendStatus: '5', SentResult: '0' });
	});

	test('the balance is charged when the call is final, by the outcome price', async () => {
		// Calls last 1 s here, so a loaded machine cannot finish one before the balance is first read.
		const sim = await startSim({ callDelayMs: 1000, outcomes: { '0912345670': { callStatus: 'NO ANSWER' }, '0912345671': { callStatus: 'ANSWERED', price: 750 } } });
		await record(sim);
		await record(sim, { Phone: '0912345670' });
		await record(sim, { Phone: '0912345671' });
		expect(sim.balance).toBe(1_000_000);
		await sim.waitForIdle(5000);
		expect(sim.balance).toBe(1_000_000 - 500 - 750);
		expect(await postJson(sim, 'GetBalance_json', KEYS)).toEqual({ Balance: 998_750, CodeResponse: '100', UserID: 9999 });
		sim.reset();
		expect(sim.balance).toBe(1_000_000);
		expect(sim.requests).toEqual([]);
	});

	test('outcomeByLastDigit follows the CLI convention', async () => {
		const sim = await startSim({ outcomeByLastDigit: true });
		const ids = [];
		for (const phone of ['0912345670', '0912345672', '0912345679', '0912345675']) ids.push(smsId(await record(sim, { Phone: phone })));
		await sim.waitForIdle(1000);
		expect(ids.map((id) => sim.getCall(id)?.outcome)).toEqual([
			{ callStatus: 'NO ANSWER', duration: 0, ivr: '', sentResult: 0, price: 0 },
			{ callStatus: 'ANSWERED', duration: 13, ivr: '2', sentResult: 1, price: 500 },
			{ callStatus: '', duration: 0, ivr: '', sentResult: 0, price: 0 },
			{ callStatus: 'ANSWERED', duration: 13, ivr: '1', sentResult: 1, price: 500 },
		]);
	});
});

describe('callbacks', () => {
	test('the final callback has the exact query string, in eSMS order', async () => {
		const receiver = await startReceiver();
		const sim = await startSim();
		const id = smsId(await record(sim, { CallbackUrl: `${receiver.url}/hook` }));
		const attempts = await sim.waitForCallbacks(1, 2000);
		expect(receiver.hits).toEqual([
			`/hook?ReferenceId=${id}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`,
		]);
		expect(attempts).toEqual([
			expect.objectContaining({ url: `${receiver.url}${receiver.hits[0]}`, status: 200, attempt: 1, referenceId: id, sendStatus: 5 }),
		]);
	});

	test('a voice OTP calls back in the SMS form, appended with & to a URL that has a query', async () => {
		const receiver = await startReceiver();
		const sim = await startSim({ outcomes: { '0912345670': { callStatus: 'NO ANSWER' } } });
		const body = await postJson(sim, 'SendMultipleMessage_V4_post_json', {
			...KEYS, Phone: '84912345670', Content: '1234', SmsType: '8', CallbackUrl: `${receiver.url}/hook?token=a%20b`,
		});
		await sim.waitForIdle(2000);
		expect(receiver.hits).toEqual([
			// A voice OTP calls back in the SMS form: SMSID, no ReferenceId.
			`/hook?token=a%20b&SMSID=${smsId(body)}&SendFailed=1&SendStatus=5&SendSuccess=0&TotalPrice=0&TotalReceiver=1&TotalSent=1&RequestId=&TypeId=8&telcoid=1&phonenumber=84912345670`,
		]);
	});

	test('retries until HTTP 200: 500, 500, 200 is three attempts', async () => {
		const receiver = await startReceiver([500, 500]);
		const sim = await startSim();
		await record(sim, { CallbackUrl: `${receiver.url}/hook?` });
		await sim.waitForIdle(2000);
		expect(sim.callbacks.map((c) => [c.attempt, c.status])).toEqual([[1, 500], [2, 500], [3, 200]]);
		expect(receiver.hits).toHaveLength(3);
		expect(new Set(receiver.hits).size).toBe(1);
		expect(receiver.hits[0]).toMatch(/^\/hook\?ReferenceId=/);
	});

	test('gives up after maxCallbackRetries retries', async () => {
		const receiver = await startReceiver([503, 503, 503, 503, 503]);
		const sim = await startSim({ maxCallbackRetries: 2 });
		await record(sim, { CallbackUrl: `${receiver.url}/hook` });
		await sim.waitForIdle(2000);
		expect(sim.callbacks.map((c) => [c.attempt, c.status])).toEqual([[1, 503], [2, 503], [3, 503]]);
		expect(receiver.hits).toHaveLength(3);
	});

	test('connection errors and https URLs count as failed attempts', async () => {
		const sim = await startSim({ maxCallbackRetries: 1 });
		await record(sim, { CallbackUrl: 'https://127.0.0.1:1/hook' });
		await record(sim, { Phone: '0912345679', CallbackUrl: 'http://127.0.0.1:1/hook' });
		await sim.waitForIdle(2000);
		// The two calls' attempts interleave in no fixed order, so compare them sorted.
		expect(sim.callbacks.map((c) => `${c.url.slice(0, 24)} ${c.attempt} ${c.status}`).sort()).toEqual([
			'http://127.0.0.1:1/hook? 1 error',
			'http://127.0.0.1:1/hook? 2 error',
			'https://127.0.0.1:1/hook 1 error',
			'https://127.0.0.1:1/hook 2 error',
		]);
	});

	test('strayQuestionMark appends ?params even when the URL has a query', async () => {
		const receiver = await startReceiver();
		const sim = await startSim({ callbackStyle: 'strayQuestionMark' });
		const id = smsId(await record(sim, { CallbackUrl: `${receiver.url}/hook?token=abc` }));
		await sim.waitForIdle(2000);
		expect(receiver.hits).toEqual([
			`/hook?token=abc?ReferenceId=${id}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`,
		]);
	});

	test('intermediate callbacks: SendStatus 2, then 7, then the final 5', async () => {
		const receiver = await startReceiver([500]);
		const sim = await startSim({ intermediateCallbacks: true });
		const id = smsId(await record(sim, { CallbackUrl: `${receiver.url}/hook` }));
		await sim.waitForIdle(2000);
		const waiting = `/hook?ReferenceId=${id}&CallDuration=0&CallStatus=&Ivr=&Price=0.0000&SentResult=0&CID=02871002454`;
		expect(receiver.hits).toEqual([
			`${waiting}&SendStatus=2`,
			`${waiting}&SendStatus=2`,
			`${waiting}&SendStatus=7`,
			`/hook?ReferenceId=${id}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`,
		]);
		expect(sim.callbacks.map((c) => [c.sendStatus, c.attempt, c.status])).toEqual([[2, 1, 500], [2, 2, 200], [7, 1, 200], [5, 1, 200]]);
	});
});

describe('faults', () => {
	test('latency delays, then answers normally', async () => {
		const sim = await startSim();
		sim.injectFault({ endpoint: 'GetBalance_json', kind: 'latency', ms: 150 });
		const started = Date.now();
		expect(await postJson(sim, 'GetBalance_json', KEYS)).toEqual({ Balance: 1_000_000, CodeResponse: '100', UserID: 9999 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(sim.requests[0].code).toBe('100');
	});

	test('http500 and http503 answer HTML and place no call; endpoint filter and times apply', async () => {
		const sim = await startSim();
		sim.injectFault({ endpoint: 'MakeCallRecord_V2', kind: 'http500' });
		sim.injectFault({ kind: 'http503', times: 2 });
		// The first queued fault that applies wins: GetBalance skips the 500 and takes a 503.
		const balance = await fetch(`${sim.restBaseUrl}/GetBalance_json`, { method: 'POST', body: JSON.stringify(KEYS) });
		expect(balance.status).toBe(503);
		expect(await balance.text()).toBe('<html><body><h1>503 Service Unavailable</h1></body></html>');
		const first = await get(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' });
		expect(first.status).toBe(500);
		expect(first.headers.get('content-type')).toBe('text/html');
		const second = await get(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' });
		expect(second.status).toBe(503);
		expect((await record(sim) as { CodeResult: string }).CodeResult).toBe('100');
		expect(sim.requests.map((r) => r.code)).toEqual([undefined, undefined, undefined, '100']);
		await sim.waitForIdle(1000);
		expect(sim.balance).toBe(999_500);
	});

	test('html answers 200 with an HTML page', async () => {
		const sim = await startSim();
		sim.injectFault({ kind: 'html' });
		const response = await get(sim, 'GetSendStatus', { ...KEYS, ReferenceId: 'x' });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/html');
		expect(await response.text()).toBe('<html><body>Service Unavailable</body></html>');
	});

	test('reset drops the connection without answering', async () => {
		const sim = await startSim();
		sim.injectFault({ endpoint: 'MakeCallRecord_V2', kind: 'reset' });
		await expect(record(sim)).rejects.toThrow();
		expect(sim.requests).toHaveLength(1);
		expect(sim.requests[0].code).toBeUndefined();
		await sim.waitForIdle(500);
		expect(sim.balance).toBe(1_000_000);
	});

	test('hang never answers; stop() still closes promptly', async () => {
		const sim = await startSim();
		sim.injectFault({ kind: 'hang', times: Infinity });
		await expect(fetch(`${sim.voiceBaseUrl}/GetSendStatus?ReferenceId=x`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
		const hung = fetch(`${sim.voiceBaseUrl}/GetSendStatus?ReferenceId=y`).then(
			() => 'answered',
			() => 'failed',
		);
		while (sim.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
		const started = Date.now();
		await sim.stop();
		expect(Date.now() - started).toBeLessThan(1000);
		expect(await hung).toBe('failed');
		expect(sim.requests.map((r) => r.rawQuery)).toEqual(['ReferenceId=x', 'ReferenceId=y']);
	});

	test('clearFaults removes queued faults', async () => {
		const sim = await startSim();
		sim.injectFault({ kind: 'http500', times: Infinity });
		sim.clearFaults();
		expect((await postJson(sim, 'GetBalance_json', KEYS) as { CodeResponse: string }).CodeResponse).toBe('100');
	});
});

describe('lifecycle', () => {
	test('stop() cancels pending calls and callbacks; urls are on 127.0.0.1', async () => {
		const receiver = await startReceiver();
		const sim = await startSim({ callDelayMs: 5000 });
		expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
		expect(sim.voiceBaseUrl).toBe(`${sim.url}/voice/MainService.svc/json`);
		expect(sim.restBaseUrl).toBe(`${sim.url}/rest/MainService.svc/json`);
		const id = smsId(await record(sim, { CallbackUrl: `${receiver.url}/hook` }));
		await sim.stop();
		await sim.waitForIdle(100);
		expect(sim.getCall(id)?.status).toBe('pending');
		expect(receiver.hits).toEqual([]);
	});

	test('waitForCallbacks rejects on timeout', async () => {
		const sim = await startSim();
		await expect(sim.waitForCallbacks(1, 50)).rejects.toThrow('expected 1 callback attempts, got 0');
	});
});
