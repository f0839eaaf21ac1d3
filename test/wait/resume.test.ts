/**
 * The resume webhook of "Make Call and Wait for Result" (`EsmsVoice.webhook` → resumeOnCallback),
 * run in n8n-core's WebhookContext over the waiting execution's saved data, fed the exact callback
 * requests the simulator sends to the execution's resume URL (captured by a local server standing
 * in for n8n's /webhook-waiting/ path), in both callback styles; and forged ones.
 */
import { WebhookContext } from 'n8n-core';
import type { IDataObject, INode, IRunExecutionData, IWebhookData, IWebhookResponseData } from 'n8n-workflow';

import { RESUME_WEBHOOKS } from '../../nodes/EsmsVoice/actions/call/resumeOnCallback';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { withLogCapture, type LogEntry } from '../helpers/bootstrap';
import { EsmsSimulator, type CallbackStyle } from '../../simulator/src';
import { startCallbackReceiver, type CallbackReceiver } from '../../simulator/test/helpers';
import { NODE_NAME, engineFor, rid, runWait, waitWorkflow, type WaitWorkflow } from './setup';
import { answeredCallbackRaw, answeredCallResult } from '../fixtures/call-result';
import { normalizeCallResult } from '../../nodes/shared/callResult';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(stops.splice(0).map((stop) => stop()));
});

interface Captured {
	token: string;
	referenceId: string;
	executionId: string;
	receiver: CallbackReceiver;
	waiting: Waiting;
}

interface Waiting {
	wf: WaitWorkflow;
	data: IRunExecutionData;
}

/** Runs the wait workflow with the simulator calling back to a local receiver; answers what it got. */
async function placeAndCapture(callbackStyle: CallbackStyle, executionId: string): Promise<Captured> {
	const receiver = await startCallbackReceiver();
	stops.push(receiver.close);
	const sim = new EsmsSimulator({ callDelayMs: 10, callbackRetryDelayMs: 5, intermediateCallbacks: true, callbackStyle });
	await sim.start();
	stops.push(() => sim.stop());
	const wf = waitWorkflow(sim, {}, { executionId, webhookWaitingBaseUrl: `${receiver.url}/webhook-waiting` });
	const result = await runWait(wf);
	expect(result.run.status).toBe('waiting');
	await sim.waitForIdle();
	expect(sim.callbacks.map((c) => [c.sendStatus, c.status])).toEqual([[2, 200], [7, 200], [5, 200]]);
	expect(receiver.hits).toHaveLength(3);
	return {
		token: result.run.data.resumeToken as string,
		referenceId: result.outputOf('eSMS Voice')[0][0].json.referenceId as string,
		executionId,
		receiver,
		waiting: { wf, data: result.run.data },
	};
}

/** A waiting execution whose call has not called back yet (the call lasts a minute). */
async function placeWaiting(executionId: string, code?: string): Promise<{ waiting: Waiting; referenceId: string }> {
	const sim = new EsmsSimulator({ callDelayMs: 60_000 });
	await sim.start();
	if (code) sim.setOutcome('0912345678', { callStatus: 'ANSWERED', code });
	stops.push(() => sim.stop());
	const wf = waitWorkflow(sim, {}, { executionId });
	const result = await runWait(wf);
	expect(result.run.status).toBe('waiting');
	return { waiting: { wf, data: result.run.data }, referenceId: result.outputOf('eSMS Voice')[0][0].json.referenceId as string };
}

/**
 * Runs the node's webhook for a request to `url` (path + query as received) the way n8n's
 * WaitingWebhooks does: n8n-core's WebhookContext over the execution's saved data.
 */
async function resume(
	waiting: Waiting,
	url: string,
): Promise<{ result: IWebhookResponseData; written: Array<{ status: number; body: unknown }>; logs: LogEntry[] }> {
	const written: Array<{ status: number; body: unknown }> = [];
	let status = 200;
	const response = {
		status(code: number) {
			status = code;
			return response;
		},
		json(body: unknown) {
			written.push({ status, body });
			return response;
		},
	};
	const request = { url, originalUrl: url, query: Object.fromEntries(new URL(url, 'http://n8n.test').searchParams) };
	const { workflow, additionalData } = engineFor(waiting.wf, { httpRequest: request, httpResponse: response } as never);
	const webhookData: IWebhookData = {
		httpMethod: 'GET', node: NODE_NAME, path: '', webhookDescription: RESUME_WEBHOOKS[0], workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	};
	const node = workflow.getNode(NODE_NAME) as INode;
	const ctx = new WebhookContext(workflow, node, additionalData, 'manual', webhookData, [], structuredClone(waiting.data));
	const logs: LogEntry[] = [];
	const result = await withLogCapture(logs, async () => await new EsmsVoice().webhook.call(ctx));
	return { result, written, logs };
}

const answeredRaw = (referenceId: string) => ({
	ReferenceId: referenceId, CallDuration: '99', CallStatus: 'ANSWERED', Ivr: '9', Price: '500.0000', SentResult: '1', CID: '02871002454', SendStatus: '5',
});
const FINAL = 'CallDuration=99&CallStatus=ANSWERED&Ivr=9&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5';

describe.each(['append', 'strayQuestionMark'] as const)('callbacks in the %s style', (style) => {
	test('intermediate → keep waiting; final → the result item, without any resume parameter', async () => {
		const { token, referenceId, executionId, receiver, waiting: saved } = await placeAndCapture(style, `exec-resume-${style}`);
		const [waiting, sent, final] = receiver.hits;

		// What n8n itself reads from the request: the token survives the gateway's appending.
		for (const hit of receiver.hits) {
			expect(hit.startsWith(`/webhook-waiting/${executionId}?signature=${token}&esmsWait=1`)).toBe(true);
			expect(new URL(hit, 'http://n8n.test').searchParams.get('signature')).toBe(token);
		}
		expect(final).toContain(style === 'append' ? 'esmsWait=1&ReferenceId=' : 'esmsWait=1?ReferenceId=');

		for (const hit of [waiting, sent]) {
			const { result, written } = await resume(saved, hit);
			expect(result).toEqual({ webhookResponse: { received: true, resumed: false } });
			expect(written).toEqual([]);
		}

		const { result, written } = await resume(saved, final);
		expect(written).toEqual([]);
		expect(Object.keys(result)).toEqual(['workflowData']);
		expect(result.workflowData).toEqual([
			[
				{
					json: {
						...answeredCallResult(referenceId),
						requestId: rid(executionId),
						phone: '0912345678',
						resultReceived: true,
						timedOut: false,
						receivedAt: expect.stringMatching(ISO),
						raw: answeredCallbackRaw(referenceId),
					},
					pairedItem: { item: 0 },
				},
			],
		]);
		const text = JSON.stringify(result);
		for (const secret of ['signature', token, 'esmsWait']) expect(text).not.toContain(secret);
	});
});

test('a request to the resume URL that is not an eSMS callback → 400 JSON, the execution keeps waiting', async () => {
	const { waiting } = await placeWaiting('exec-not-callback');
	for (const url of ['/webhook-waiting/exec-x?signature=abc', '/webhook-waiting/exec-x', '/webhook-waiting/exec-x?signature=abc&ReferenceId=']) {
		const { result, written } = await resume(waiting, url);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(written).toEqual([{ status: 400, body: { error: 'Not an eSMS call-result callback: ReferenceId is missing' } }]);
	}
});

describe('only the call this execution placed resumes it', () => {
	test("another call's result → 200, not resumed, logged without the token; the execution keeps waiting", async () => {
		const { waiting, referenceId } = await placeWaiting('exec-other-call');
		for (const sendStatus of ['5', '2']) {
			const url = `/webhook-waiting/exec-other-call?signature=${waiting.data.resumeToken as string}&esmsWait=1&ReferenceId=other-call-7&${FINAL.replace('SendStatus=5', `SendStatus=${sendStatus}`)}`;
			const { result, written, logs } = await resume(waiting, url);
			expect(result).toEqual({ webhookResponse: { received: true, resumed: false, reason: 'not the call this execution waits for' } });
			expect(written).toEqual([]);
			expect(logs.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
				`eSMS Voice: execution exec-other-call waits for call "${referenceId}"; ignored a callback for call "other-call-7" on its resume URL`,
			]);
			expect(JSON.stringify(logs)).not.toContain(waiting.data.resumeToken as string);
		}
	});

	test('its own ReferenceId, trimmed and in any case, resumes it', async () => {
		const { waiting, referenceId } = await placeWaiting('exec-own-call');
		const shouted = encodeURIComponent(` ${referenceId.toUpperCase()} `);
		const { result } = await resume(waiting, `/webhook-waiting/exec-own-call?signature=t&esmsWait=1&ReferenceId=${shouted}&${FINAL}`);
		expect(result.workflowData?.[0][0].json).toMatchObject({ keyPressed: '9', durationSeconds: 99, resultReceived: true });
	});

	test('forged esmsPhone / esmsRequestId in the URL change nothing: phone and requestId are what the node placed', async () => {
		const { waiting, referenceId } = await placeWaiting('exec-forged-query');
		const forged = '&esmsPhone=0999999999&esmsRequestId=forged-id&phone=0999999999&requestId=forged-id';
		for (const url of [
			`/webhook-waiting/exec-forged-query?signature=t&esmsWait=1&ReferenceId=${referenceId}&${FINAL}${forged}`,
			`/webhook-waiting/exec-forged-query?signature=t${forged}&ReferenceId=${referenceId}&${FINAL}`,
		]) {
			const { result } = await resume(waiting, url);
			const json = result.workflowData?.[0][0].json as IDataObject;
			expect(json).toMatchObject({ referenceId, requestId: rid('exec-forged-query'), phone: '0912345678', resultReceived: true });
			// Other parameters stay in raw (a callback name such as RequestId under eSMS's spelling,
			// unknown ones as sent); ours (esms…) are dropped.
			expect(json.raw).toEqual({ ...answeredRaw(referenceId), phone: '0999999999', RequestId: 'forged-id' });
			expect(JSON.stringify({ ...json, raw: null })).not.toMatch(/0999999999|forged|esms/);
		}
	});
});

test('eSMS answered "already placed" (124) without a reference ID: the first final result resumes it', async () => {
	const { waiting, referenceId } = await placeWaiting('exec-already-placed', '124');
	expect(referenceId).toBeNull();
	const { result, logs } = await resume(waiting, `/webhook-waiting/exec-already-placed?signature=t&esmsWait=1&ReferenceId=earlier-attempt&${FINAL}`);
	expect(result.workflowData?.[0][0].json).toMatchObject({
		referenceId: 'earlier-attempt', requestId: rid('exec-already-placed'), phone: '0912345678', resultReceived: true,
	});
	expect(logs.filter((entry) => entry.level === 'warn')).toEqual([]);
});

test('a repeated signature parameter (after a stray "?") is not leaked either', async () => {
	const { waiting, referenceId } = await placeWaiting('exec-two-signatures');
	const { result } = await resume(waiting, `/webhook-waiting/exec-x?signature=tok1&ReferenceId=${referenceId}&SendStatus=5?signature=tok2`);
	expect(result.workflowData).toBeDefined();
	expect(JSON.stringify(result)).not.toMatch(/tok1|tok2|signature/);
});

describe('one rule for "final": the wait resumes exactly when the trigger and Get Status say final', () => {
	// SendStatus as sent → resumes? Absent or empty is eSMS's 2023 callback form (no SendStatus): final.
	const cases: Array<[string, string | undefined, boolean]> = [
		['finished (5)', '5', true],
		['waiting (2)', '2', false],
		['sent, awaiting report (7)', '7', false],
		['absent', undefined, true],
		['empty', '', true],
	];
	test.each(cases)('SendStatus %s', async (_label, sendStatus, resumes) => {
		const { waiting, referenceId } = await placeWaiting(`exec-final-${String(sendStatus)}`);
		const fields = { ...answeredRaw(referenceId), SendStatus: sendStatus };
		if (sendStatus === undefined) delete fields.SendStatus;
		// The shared parser's verdict: what the trigger's "Only Final Results" and Get Status's `final` read.
		expect(normalizeCallResult(fields).final).toBe(resumes);
		const query = new URLSearchParams(fields as Record<string, string>).toString();
		const { result, written } = await resume(waiting, `/webhook-waiting/exec-final?signature=t&esmsWait=1&${query}`);
		expect(written).toEqual([]);
		if (!resumes) {
			expect(result).toEqual({ webhookResponse: { received: true, resumed: false } });
			return;
		}
		const status = sendStatus === '5' ? 5 : null;
		expect(result.workflowData).toEqual([
			[
				{
					json: {
						referenceId, answered: true, callStatus: 'answered', callStatusRaw: 'ANSWERED', durationSeconds: 99, keyPressed: '9',
						price: 500, sentResult: true, callerId: '02871002454', sendStatus: status, sendStatusLabel: status === 5 ? 'Finished' : 'Not reported',
						final: true, requestId: rid(`exec-final-${String(sendStatus)}`), phone: '0912345678', resultReceived: true, timedOut: false,
						receivedAt: expect.stringMatching(ISO), raw: fields,
					},
					pairedItem: { item: 0 },
				},
			],
		]);
	});
});
