// The simulator follows eSMS's documented contract (second reading of the docs, see
// simulator/README.md "What it simulates"): parameter names in any case, IDs in any case, GetSendStatus's 101 shape, the
// docs' placeholder callback style, voice OTP as an SMS-type message, the rate limit, every code.
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../src';
import { getVoiceJson, postRestJson, startCallbackReceiver, type CallbackReceiver } from './helpers';

const KEYS = { ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY };
const OTP_ID = /^[0-9a-f]{35}$/;

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function startSim(options: SimulatorOptions = {}): Promise<EsmsSimulator> {
	const sim = new EsmsSimulator({ callDelayMs: 30, callbackRetryDelayMs: 10, ...options });
	await sim.start();
	running.push(sim);
	return sim;
}

async function startReceiver(): Promise<CallbackReceiver> {
	const receiver = await startCallbackReceiver();
	running.push({ stop: receiver.close });
	return receiver;
}

async function getRestJson(sim: EsmsSimulator, endpoint: string, params: Record<string, string>): Promise<unknown> {
	return (await fetch(`${sim.restBaseUrl}/${endpoint}?${new URLSearchParams(params).toString()}`)).json();
}

const sendOtp = (sim: EsmsSimulator, extra: Record<string, string> = {}) =>
	postRestJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912345678', Content: '1234', SmsType: '8', ...extra }) as Promise<
		Record<string, unknown>
	>;

describe('parameter names and IDs', () => {
	test('names in any case (APIKey, RequestID, phone) are the same parameters', async () => {
		const sim = await startSim();
		const first = (await getVoiceJson(sim, 'MakeCallRecord_V2', {
			APIKey: DEFAULT_API_KEY,
			secretkey: DEFAULT_SECRET_KEY,
			templateID: '1001',
			phone: '0912345678',
			RequestID: 'Order-7',
		})) as Record<string, string>;
		expect(first.CodeResult).toBe('100');
		expect(sim.getCall(first.SMSID)).toMatchObject({ requestId: 'Order-7', templateId: '1001', phone: '0912345678' });
		// The same RequestId in another case and with spaces is a repeat: 124.
		expect(await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345679', RequestId: ' ORDER-7 ' })).toEqual({
			CodeResult: '124',
			ErrorMessage: 'Duplicate RequestId',
		});
	});

	test('a call ID is found in any case and with surrounding spaces', async () => {
		const sim = await startSim();
		const { SMSID } = (await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' })) as { SMSID: string };
		const answer = (await getVoiceJson(sim, 'GetSendStatus', { ...KEYS, referenceid: ` ${SMSID.toUpperCase()} ` })) as Record<string, unknown>;
		expect([answer.CodeResponse, answer.ReferenceId]).toEqual(['100', SMSID]);
	});
});

describe('voice OTP is an SMS-type message', () => {
	test('SMSID of 35 hex digits; status on the rest host by RefId (105 on the voice host), and the reverse for calls', async () => {
		const sim = await startSim({ callDelayMs: 60_000 });
		const otp = await sendOtp(sim);
		expect(otp).toEqual({ CodeResult: '100', CountRegenerate: 0, SMSID: expect.stringMatching(OTP_ID) });
		const id = String(otp.SMSID);
		expect(await getRestJson(sim, 'GetSendStatus', { ...KEYS, RefId: id.toUpperCase() })).toEqual({
			CodeResponse: '100',
			SMSID: id,
			SendFailed: 0,
			SendStatus: 2,
			SendSuccess: 0,
			TotalPrice: 0,
			TotalReceiver: 1,
			TotalSent: 1,
		});
		expect(await getVoiceJson(sim, 'GetSendStatus', { ...KEYS, ReferenceId: id })).toEqual({ CodeResponse: '105', ErrorMessage: 'ReferenceId not found' });
		const call = (await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' })) as { SMSID: string };
		expect(await getRestJson(sim, 'GetSendStatus', { ...KEYS, RefId: call.SMSID })).toEqual({ CodeResponse: '105', ErrorMessage: 'ReferenceId not found' });
		expect(await getRestJson(sim, 'GetSendStatus', { APIKEY: 'wrong', SecretKey: 'x', RefId: id })).toEqual({
			CodeResult: '101',
			CountRegenerate: 0,
			ErrorMessage: 'Authorize Failed',
		});
	});

	test('final status and the SMS-form callback', async () => {
		const receiver = await startReceiver();
		const sim = await startSim();
		const id = String((await sendOtp(sim, { CallbackUrl: `${receiver.url}/otp`, RequestId: 'otp-1' })).SMSID);
		await sim.waitForIdle(2000);
		expect(receiver.hits).toEqual([
			`/otp?SMSID=${id}&SendFailed=0&SendStatus=5&SendSuccess=1&TotalPrice=500&TotalReceiver=1&TotalSent=1&RequestId=otp-1&TypeId=8&telcoid=1&phonenumber=0912345678`,
		]);
		expect(await getRestJson(sim, 'GetSendStatus', { ...KEYS, RefId: id })).toMatchObject({ SendStatus: 5, SendSuccess: 1, SendFailed: 0, TotalPrice: 500 });
	});

	test('163 for several numbers, 300 without SmsType, 118 for another type, 110 without content', async () => {
		const sim = await startSim();
		expect(await sendOtp(sim, { Phone: '0912345678,0987654321' })).toEqual({ CodeResult: '163', ErrorMessage: 'Only one phone number is allowed' });
		expect(await postRestJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912345678', Content: '1' })).toEqual({
			CodeResult: '300',
			ErrorMessage: 'Message type is missing',
		});
		expect(await sendOtp(sim, { SmsType: '2' })).toEqual({ CodeResult: '118', ErrorMessage: 'Unsupported message type' });
		expect(await sendOtp(sim, { Content: '' })).toEqual({ CodeResult: '110', ErrorMessage: 'Content is required' });
	});
});

describe('callback styles', () => {
	test("'placeholders' fills the docs' empty placeholders in place, in order, and appends the rest", async () => {
		const receiver = await startReceiver();
		const sim = await startSim({ callbackStyle: 'placeholders' });
		const base = `${receiver.url}/cb?token=t&ReferenceId=&CallDuration=&CallStatus=&Ivr=&Price=&SentResult=&CID=`;
		const { SMSID } = (await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678', CallbackUrl: base })) as {
			SMSID: string;
		};
		await sim.waitForIdle(2000);
		expect(receiver.hits).toEqual([
			`/cb?token=t&ReferenceId=${SMSID}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`,
		]);
	});

	test('omitSendStatus: the 2023 form, only the final callback and no SendStatus', async () => {
		const receiver = await startReceiver();
		const sim = await startSim({ omitSendStatus: true, intermediateCallbacks: true });
		const { SMSID } = (await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678', CallbackUrl: `${receiver.url}/cb` })) as {
			SMSID: string;
		};
		await sim.waitForIdle(2000);
		expect(receiver.hits).toEqual([`/cb?ReferenceId=${SMSID}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454`]);
	});
});

describe('rate limit', () => {
	test('above rateLimitPerSecond every endpoint answers 160 and places nothing; a second later it accepts again', async () => {
		const sim = await startSim({ rateLimitPerSecond: 3, callDelayMs: 60_000 });
		const answers: unknown[] = [];
		for (let i = 0; i < 4; i++) {
			answers.push(await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: `091234567${i}` }));
		}
		answers.push(await postRestJson(sim, 'GetBalance_json', KEYS));
		answers.push(await sendOtp(sim));
		expect(answers.map((a) => (a as Record<string, string>).CodeResult ?? (a as Record<string, string>).CodeResponse)).toEqual([
			'100',
			'100',
			'100',
			'160',
			'160',
			'160',
		]);
		expect(answers[3]).toEqual({ CodeResult: '160', ErrorMessage: 'Too many requests per second' });
		expect(answers[4]).toEqual({ CodeResponse: '160', ErrorMessage: 'Too many requests per second' });
		expect(sim.requests.map((r) => r.code)).toEqual(['100', '100', '100', '160', '160', '160']);
		expect(sim.getCall(String((answers[3] as Record<string, string>).SMSID))).toBeUndefined();
		await new Promise((resolve) => setTimeout(resolve, 1050));
		expect(await getVoiceJson(sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345679' })).toMatchObject({ CodeResult: '100' });
	});
});
