/**
 * Simulator → trigger: a call placed on the eSMS simulator with the trigger's URL as CallbackUrl;
 * the simulator calls back (with retries) over HTTP like eSMS, the trigger starts one execution.
 */
import { CALLER_ID, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';
import { startTrigger, type TriggerServer } from './trigger-server';
import { answeredCallbackRaw, answeredTriggerItem } from '../fixtures/call-result';

const sims: EsmsSimulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function startSim(options: SimulatorOptions = {}): Promise<EsmsSimulator> {
	const sim = new EsmsSimulator({ callDelayMs: 20, callbackRetryDelayMs: 5, ...options });
	await sim.start();
	sims.push(sim);
	return sim;
}

/** Places a recording call on the simulator over HTTP; answers the SMSID. */
async function placeCall(sim: EsmsSimulator, callbackUrl: string, phone = '0912345678'): Promise<string> {
	const qs = new URLSearchParams({ ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY, TemplateId: '1001', Phone: phone, CallbackUrl: callbackUrl });
	const response = await fetch(`${sim.voiceBaseUrl}/MakeCallRecord_V2?${qs.toString()}`);
	const body = (await response.json()) as { CodeResult: string; SMSID: string };
	expect(body.CodeResult).toBe('100');
	return body.SMSID;
}

const answeredItem = answeredTriggerItem;

async function finish(sim: EsmsSimulator): Promise<void> {
	await sim.waitForIdle(5000);
}

const items = (trigger: TriggerServer) => trigger.executions.map((e) => e.items.map((i) => i.json));

test('one call, one final callback → exactly one execution with the normalised item', async () => {
	const trigger = await startTrigger();
	const sim = await startSim();
	const ref = await placeCall(sim, trigger.url);
	await finish(sim);
	expect(items(trigger)).toEqual([[answeredItem(ref)]]);
	expect(sim.callbacks.map((c) => [c.sendStatus, c.attempt, c.status])).toEqual([[5, 1, 200]]);
	expect(trigger.answers.map((a) => [a.status, a.body])).toEqual([[200, { received: true, started: true }]]);
});

test('a CallbackUrl with a query, the simulator adding "?" (stray question mark): still read', async () => {
	const trigger = await startTrigger();
	const sim = await startSim({ callbackStyle: 'strayQuestionMark' });
	const ref = await placeCall(sim, `${trigger.url}?token=abc`);
	await finish(sim);
	expect(sim.callbacks[0].url).toContain('?token=abc?ReferenceId=');
	expect(items(trigger)).toEqual([[{ ...answeredItem(ref), raw: { token: 'abc', ...answeredCallbackRaw(ref) } }]]);
});

test('per-phone outcome: not answered', async () => {
	const trigger = await startTrigger();
	const sim = await startSim({ outcomes: { '0912345670': { callStatus: 'NO ANSWER' } } });
	const ref = await placeCall(sim, trigger.url, '84912345670');
	await finish(sim);
	expect(items(trigger)).toEqual([
		[
			expect.objectContaining({
				referenceId: ref, answered: false, callStatus: 'noAnswer', callStatusRaw: 'NO ANSWER', durationSeconds: 0,
				keyPressed: null, price: 0, sentResult: false, callerId: CALLER_ID, sendStatus: 5,
			}),
		],
	]);
});

test('intermediate callbacks (SendStatus 2 and 7) start nothing with Only Final: still exactly one execution', async () => {
	const trigger = await startTrigger();
	const sim = await startSim({ intermediateCallbacks: true });
	const ref = await placeCall(sim, trigger.url);
	await finish(sim);
	expect(sim.callbacks.map((c) => [c.sendStatus, c.status])).toEqual([[2, 200], [7, 200], [5, 200]]);
	expect(items(trigger)).toEqual([[answeredItem(ref)]]);
	expect(trigger.answers.map((a) => a.body)).toEqual([
		{ received: true, started: false, reason: 'not a final result' },
		{ received: true, started: false, reason: 'not a final result' },
		{ received: true, started: true },
	]);
});

test('the answer to a started execution is lost (HTTP 500 once): the simulator retries, no second execution', async () => {
	const trigger = await startTrigger();
	trigger.failAfterWebhook = [500];
	const sim = await startSim();
	const ref = await placeCall(sim, trigger.url);
	await finish(sim);
	expect(sim.callbacks.map((c) => [c.sendStatus, c.attempt, c.status])).toEqual([[5, 1, 500], [5, 2, 200]]);
	expect(trigger.handled).toBe(2);
	expect(items(trigger)).toEqual([[answeredItem(ref)]]);
	expect(trigger.answers[1].body).toEqual({ received: true, started: false, reason: 'repeated delivery' });
});

test('n8n unreachable for two attempts (500, 503 before the node): the third starts the only execution', async () => {
	const trigger = await startTrigger();
	trigger.failBeforeWebhook = [500, 503];
	const sim = await startSim();
	const ref = await placeCall(sim, trigger.url);
	await finish(sim);
	expect(sim.callbacks.map((c) => c.status)).toEqual([500, 503, 200]);
	expect(trigger.handled).toBe(1);
	expect(items(trigger)).toEqual([[answeredItem(ref)]]);
});

test('with Ignore Repeated Deliveries off, the lost answer does start a second execution (control)', async () => {
	const trigger = await startTrigger({ params: { options: { ignoreRepeats: false } } });
	trigger.failAfterWebhook = [500];
	const sim = await startSim();
	await placeCall(sim, trigger.url);
	await finish(sim);
	expect(trigger.executions).toHaveLength(2);
});

test('intermediate callbacks with Only Final off: three executions, one per send status', async () => {
	const trigger = await startTrigger({ params: { onlyFinal: false } });
	const sim = await startSim({ intermediateCallbacks: true });
	await placeCall(sim, trigger.url);
	await finish(sim);
	expect(items(trigger).map(([item]) => [item.sendStatus, item.final, item.callStatusRaw, item.price])).toEqual([
		[2, false, '', 0],
		[7, false, '', 0],
		[5, true, 'ANSWERED', 500],
	]);
});
