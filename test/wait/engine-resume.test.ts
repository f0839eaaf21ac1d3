/**
 * The whole round trip in n8n-core's engine: [Start → eSMS Voice (Make Call and Wait) → Collect]
 * waits; the simulator calls the execution's resume URL (a stand-in for n8n's /webhook-waiting/);
 * the execution continues and Collect receives the call result. And the time-limit path, where
 * n8n continues with the timed-out item the node left on its stack entry.
 */
import { CALLER_ID, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';
import { NODE_NAME, itemsOf, resumeExecution, rid, runWait, waitWorkflow } from './setup';
import { WaitingWebhookServer } from './waiting-server';
import { answeredCallbackRaw, answeredCallResult } from '../fixtures/call-result';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function start(options: SimulatorOptions = {}) {
	const n8n = await new WaitingWebhookServer().start();
	stops.push(() => n8n.stop());
	// Callbacks may arrive before the execution is saved as waiting: n8n answers 404, eSMS retries.
	const sim = new EsmsSimulator({ callDelayMs: 40, callbackRetryDelayMs: 25, ...options });
	await sim.start();
	stops.push(() => sim.stop());
	return { n8n, sim };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test('the final callback resumes the execution; the next node receives the result item', async () => {
	const { n8n, sim } = await start({ intermediateCallbacks: true });
	const wf = waitWorkflow(sim, {}, { executionId: 'exec-e2e-1', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	const waiting = await runWait(wf);
	expect(waiting.run.status).toBe('waiting');
	expect(() => waiting.outputOf('Collect')).toThrow(/did not run/);
	n8n.save(wf, waiting.run.data);
	const token = waiting.run.data.resumeToken as string;
	const referenceId = waiting.outputOf(NODE_NAME)[0][0].json.referenceId as string;

	const run = await n8n.finished('exec-e2e-1');
	await sim.waitForIdle();
	expect(run.status).toBe('success');
	expect(run.finished).toBe(true);
	expect(run.waitTill ?? undefined).toBeUndefined();

	const expected = {
		referenceId, answered: true, callStatus: 'answered', callStatusRaw: 'ANSWERED', durationSeconds: 13, keyPressed: '1',
		price: 500, sentResult: true, callerId: CALLER_ID, sendStatus: 5, sendStatusLabel: 'Finished', final: true,
		requestId: rid('exec-e2e-1'), phone: '0912345678', resultReceived: true, timedOut: false,
		receivedAt: expect.stringMatching(ISO),
		raw: { ReferenceId: referenceId, CallDuration: '13', CallStatus: 'ANSWERED', Ivr: '1', Price: '500.0000', SentResult: '1', CID: CALLER_ID, SendStatus: '5' },
	};
	expect(itemsOf(run, 'Collect')).toEqual([expected]);
	// The waiting node ran once in the final data (its waiting run replaced by the resumed one).
	expect(run.data.resultData.runData[NODE_NAME]).toHaveLength(1);
	expect(itemsOf(run, NODE_NAME)).toEqual([expected]);

	// Every callback was answered 200: the intermediate ones kept the execution waiting.
	const answered = n8n.answers.filter((a) => a.status !== 404);
	expect(answered.map((a) => [a.status, a.body])).toEqual([
		[200, { received: true, resumed: false }],
		[200, { received: true, resumed: false }],
		[200, { message: 'Workflow was started' }],
	]);
	expect(sim.callbacks.filter((c) => c.status === 200).map((c) => c.sendStatus)).toEqual([2, 7, 5]);
	expect(JSON.stringify(run.data.resultData)).not.toMatch(new RegExp(`signature|esmsWait|${token}`));
});

test("a final callback without SendStatus (eSMS's 2023 form) resumes the execution with the result", async () => {
	const { n8n, sim } = await start({ omitSendStatus: true });
	const wf = waitWorkflow(sim, {}, { executionId: 'exec-e2e-nss', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	const waiting = await runWait(wf);
	expect(waiting.run.status).toBe('waiting');
	n8n.save(wf, waiting.run.data);
	const referenceId = waiting.outputOf(NODE_NAME)[0][0].json.referenceId as string;
	const raw = answeredCallbackRaw(referenceId);
	delete raw.SendStatus;

	const run = await n8n.finished('exec-e2e-nss');
	await sim.waitForIdle();
	expect(run.status).toBe('success');
	const expected = {
		...answeredCallResult(referenceId), sendStatus: null, sendStatusLabel: 'Not reported', final: true,
		requestId: rid('exec-e2e-nss'), phone: '0912345678', resultReceived: true, timedOut: false,
		receivedAt: expect.stringMatching(ISO),
		raw,
	};
	expect(itemsOf(run, 'Collect')).toEqual([expected]);
	expect(itemsOf(run, NODE_NAME)).toEqual([expected]);
	// One callback, without SendStatus, resumed it (n8n answers "Workflow was started").
	expect(sim.callbacks.filter((c) => c.status === 200).map((c) => c.url.includes('SendStatus'))).toEqual([false]);
	expect(n8n.answers.filter((a) => a.status !== 404).map((a) => [a.status, a.body])).toEqual([[200, { message: 'Workflow was started' }]]);
});

test('the stray "?" callback style resumes too', async () => {
	const { n8n, sim } = await start({ callbackStyle: 'strayQuestionMark' });
	const wf = waitWorkflow(sim, { phone: '0987 654 321' }, { executionId: 'exec-e2e-2', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	const waiting = await runWait(wf);
	n8n.save(wf, waiting.run.data);
	const run = await n8n.finished('exec-e2e-2');
	await sim.waitForIdle();
	expect(itemsOf(run, 'Collect')).toEqual([
		expect.objectContaining({ phone: '0987654321', requestId: rid('exec-e2e-2'), resultReceived: true, keyPressed: '1' }),
	]);
	expect(sim.callbacks.at(-1)?.url).toContain('esmsWait=1?ReferenceId=');
	expect(JSON.stringify(run.data.resultData)).not.toMatch(/signature|esmsWait/);
});

test('a not-answered call resumes with the not-answered result', async () => {
	const { n8n, sim } = await start({ outcomes: { '0912345670': { callStatus: 'NO ANSWER' } } });
	const wf = waitWorkflow(sim, { phone: '0912345670' }, { executionId: 'exec-e2e-3', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	n8n.save(wf, (await runWait(wf)).run.data);
	const run = await n8n.finished('exec-e2e-3');
	expect(itemsOf(run, 'Collect')).toEqual([
		expect.objectContaining({ answered: false, callStatus: 'noAnswer', keyPressed: null, price: 0, phone: '0912345670', timedOut: false }),
	]);
});

test('a callback with a wrong token is refused (401) and does not resume; the right one does', async () => {
	const { n8n, sim } = await start({ callDelayMs: 5_000 });
	const wf = waitWorkflow(sim, {}, { executionId: 'exec-e2e-4', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	const waiting = await runWait(wf);
	n8n.save(wf, waiting.run.data);
	const referenceId = waiting.outputOf(NODE_NAME)[0][0].json.referenceId as string;
	const query = `ReferenceId=${referenceId}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`;
	const bad = await fetch(`${n8n.baseUrl}/exec-e2e-4?signature=nope&${query}`);
	expect(bad.status).toBe(401);
	expect(n8n.status('exec-e2e-4')).toBe('waiting');
	const good = await fetch(`${n8n.baseUrl}/exec-e2e-4?signature=${waiting.run.data.resumeToken as string}&${query}`);
	expect([good.status, await good.json()]).toEqual([200, { message: 'Workflow was started' }]);
	const run = await n8n.finished('exec-e2e-4');
	expect(itemsOf(run, 'Collect')).toEqual([expect.objectContaining({ referenceId, requestId: rid('exec-e2e-4'), phone: '0912345678', resultReceived: true })]);
	// A repeat of the final callback after the execution finished starts nothing (n8n: 409).
	const again = await fetch(`${n8n.baseUrl}/exec-e2e-4?signature=${waiting.run.data.resumeToken as string}&${query}`);
	expect(again.status).toBe(409);
});

test('time limit reached without a callback: the next node receives the timed-out item', async () => {
	const { sim } = await start();
	const wf = waitWorkflow(sim, { limitWaitTime: true, resumeAmount: 5, resumeUnit: 'minutes' }, { executionId: 'exec-e2e-5', collect: true });
	const waiting = await runWait(wf);
	expect(waiting.run.status).toBe('waiting');
	const referenceId = waiting.outputOf(NODE_NAME)[0][0].json.referenceId;

	// n8n's WaitTracker continues the saved execution data as it is (waitTill still set).
	const { run } = await resumeExecution(wf, waiting.run.data);
	expect(run.status).toBe('success');
	const timedOut = {
		referenceId,
		requestId: rid('exec-e2e-5'),
		phone: '0912345678',
		resultReceived: false,
		timedOut: true,
		message: 'No call result arrived from eSMS before the wait time limit. Use Get Status with the referenceId to check the call.',
	};
	expect(itemsOf(run, 'Collect')).toEqual([timedOut]);
	expect(itemsOf(run, NODE_NAME)).toEqual([timedOut]);
	// The node was not executed again: still exactly one call placed.
	expect(sim.requestsTo('MakeCallRecord_V2')).toHaveLength(1);
});

test("another call's result on the resume URL (valid token) is answered without resuming; the execution's own result then resumes it", async () => {
	const { n8n, sim } = await start({ callDelayMs: 300 });
	const wf = waitWorkflow(sim, {}, { executionId: 'exec-e2e-6', webhookWaitingBaseUrl: n8n.baseUrl, collect: true });
	const waiting = await runWait(wf);
	n8n.save(wf, waiting.run.data);
	const token = waiting.run.data.resumeToken as string;
	const forged = `${n8n.baseUrl}/exec-e2e-6?signature=${token}&esmsWait=1&ReferenceId=someone-elses-call&CallDuration=99&CallStatus=ANSWERED&Ivr=9&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5&esmsPhone=0999999999&esmsRequestId=forged-id`;
	const answer = await fetch(forged);
	expect([answer.status, await answer.json()]).toEqual([200, { received: true, resumed: false, reason: 'not the call this execution waits for' }]);
	expect(n8n.status('exec-e2e-6')).toBe('waiting');
	expect(n8n.logs.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
		expect.stringMatching(/^eSMS Voice: execution exec-e2e-6 waits for call "[0-9a-f-]+"; ignored a callback for call "someone-elses-call" on its resume URL$/),
	]);

	const run = await n8n.finished('exec-e2e-6');
	await sim.waitForIdle();
	const referenceId = waiting.outputOf(NODE_NAME)[0][0].json.referenceId;
	expect(itemsOf(run, 'Collect')).toEqual([
		expect.objectContaining({ referenceId, keyPressed: '1', durationSeconds: 13, requestId: rid('exec-e2e-6'), phone: '0912345678', resultReceived: true }),
	]);
	// eSMS's own callback was accepted at the first attempt: nothing was lost to a 409.
	expect(sim.callbacks.map((c) => c.status)).toEqual([200]);
});
