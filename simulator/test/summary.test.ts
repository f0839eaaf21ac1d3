// What the simulator says it sent (summary(), GET /simulator/summary) and the 105 a fresh call
// gets from GetSendStatus with notFoundForMs.
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, SUMMARY_PATH } from '../src';
import { getVoiceJson, postRestJson, stoppedAfterEachTest } from './helpers';

const KEYS = { ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY };

const { startSim, startReceiver } = stoppedAfterEachTest({ callDelayMs: 30, callbackRetryDelayMs: 10, outcomeByLastDigit: true });

async function call(sim: EsmsSimulator, phone: string, callbackUrl?: string): Promise<string> {
	const answer = (await getVoiceJson(sim, 'MakeCallRecord_V2', {
		...KEYS,
		TemplateId: '1001',
		Phone: phone,
		...(callbackUrl ? { CallbackUrl: callbackUrl } : {}),
	})) as { CodeResult: string; SMSID: string };
	expect(answer.CodeResult).toBe('100');
	return answer.SMSID;
}

const EMPTY = {
	placed: 0,
	pending: 0,
	final: 0,
	answered: 0,
	noAnswer: 0,
	failed: 0,
	keys: {},
	totalPrice: 0,
	callbacks: { delivered: 0, neverDelivered: 0, sending: 0, noCallbackUrl: 0 },
	deliveredPrice: 0,
};

describe('summary()', () => {
	test('counts final calls by outcome and key, the price charged, and which results reached a receiver', async () => {
		const sim = await startSim({ callDelayMs: 400 });
		const good = await startReceiver();
		// 500 to every attempt (1 + 5 re-sends) of the 3 results sent to it.
		const down = await startReceiver(Array<number>(3 * 6).fill(500));
		// Last digit: 1 = key 1, 2 = key 2, 0 = no answer, 9 = failed.
		for (const phone of ['0912000001', '0912000011', '0912000002', '0912000010', '0912000009']) await call(sim, phone, good.url);
		for (const phone of ['0912000021', '0912000022', '0912000020']) await call(sim, phone, down.url);
		await call(sim, '0912000031');
		await postRestJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: '0912000041', Content: '1234', SmsType: 8 });
		expect(sim.summary()).toEqual({ ...EMPTY, placed: 9, pending: 9 });

		await sim.waitForIdle(5000);
		expect(sim.summary()).toEqual({
			placed: 9,
			pending: 0,
			final: 9,
			answered: 6,
			noAnswer: 2,
			failed: 1,
			keys: { '1': 4, '2': 2 },
			totalPrice: 3000,
			callbacks: { delivered: 5, neverDelivered: 3, sending: 0, noCallbackUrl: 1 },
			// Delivered answered calls: 0912000001, …011, …002 at 500 each.
			deliveredPrice: 1500,
		});
		expect(down.hits).toHaveLength(3 * 6);
		expect(sim.balance).toBe(1_000_000 - 3000 - 500); // the voice OTP is charged too, but not counted
	});

	test('a result whose first attempts fail and a re-send is answered 200 counts as delivered once', async () => {
		const sim = await startSim();
		const flaky = await startReceiver([503, 503]);
		await call(sim, '0912000002', flaky.url);
		await sim.waitForIdle(5000);
		expect(flaky.hits).toHaveLength(3);
		expect(sim.summary()).toEqual({
			...EMPTY,
			placed: 1,
			final: 1,
			answered: 1,
			keys: { '2': 1 },
			totalPrice: 500,
			callbacks: { delivered: 1, neverDelivered: 0, sending: 0, noCallbackUrl: 0 },
			deliveredPrice: 500,
		});
	});

	test(`GET ${SUMMARY_PATH} answers the same JSON, and is not recorded as an eSMS request`, async () => {
		const sim = await startSim();
		await call(sim, '0912000010');
		await sim.waitForIdle(5000);
		const response = await fetch(`${sim.url}${SUMMARY_PATH}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		expect(await response.json()).toEqual({
			...EMPTY,
			placed: 1,
			final: 1,
			noAnswer: 1,
			callbacks: { ...EMPTY.callbacks, noCallbackUrl: 1 },
		});
		expect(sim.requests.map((r) => r.endpoint)).toEqual(['MakeCallRecord_V2']);
		expect((await fetch(`${sim.url}${SUMMARY_PATH}`, { method: 'POST' })).status).toBe(404);
	});

	test('reset() empties it', async () => {
		const sim = await startSim();
		await call(sim, '0912000001');
		sim.reset();
		expect(sim.summary()).toEqual(EMPTY);
	});
});

describe('notFoundForMs: a call made moments ago is not queryable yet', () => {
	test('GetSendStatus answers 105 while the call is younger than notFoundForMs, then its status', async () => {
		const sim = await startSim({ notFoundForMs: 400, callDelayMs: 50 });
		const placedAt = Date.now();
		const id = await call(sim, '0912000002');
		const early = await getVoiceJson(sim, 'GetSendStatus', { ...KEYS, ReferenceId: id });
		expect(Date.now() - placedAt).toBeLessThan(400);
		expect(early).toEqual({ CodeResponse: '105', ErrorMessage: 'ReferenceId not found' });
		expect(sim.requestsTo('GetSendStatus').map((r) => r.code)).toEqual(['105']);

		await new Promise((resolve) => setTimeout(resolve, 450));
		expect(await getVoiceJson(sim, 'GetSendStatus', { ...KEYS, ReferenceId: id })).toEqual({
			CallDuration: 13,
			CallStatus: 'ANSWERED',
			CodeResponse: '100',
			Ivr: '2',
			ReferenceId: id,
			SendStatus: 5,
			SentResult: 1,
		});
	});

	test('by default (0) a call is found at once', async () => {
		const sim = await startSim({ callDelayMs: 5000 });
		const id = await call(sim, '0912000001');
		expect(await getVoiceJson(sim, 'GetSendStatus', { ...KEYS, ReferenceId: id })).toMatchObject({ CodeResponse: '100', SendStatus: 2 });
	});
});
