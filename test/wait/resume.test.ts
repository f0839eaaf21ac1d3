/**
 * The resume webhook of "Make Call and Wait for Result" (`EsmsVoice.webhook` → resumeOnCallback),
 * fed the exact callback requests the simulator sends to the execution's resume URL (captured by
 * a local server standing in for n8n's /webhook-waiting/ path), in both callback styles.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { EsmsSimulator, type CallbackStyle } from '../simulator';
import { startCallbackReceiver, type CallbackReceiver } from '../simulator/test-helpers';
import { rid, runWait, waitWorkflow } from './setup';
import { answeredCallbackRaw, answeredCallResult } from '../fixtures/call-result';

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
}

/** Runs the wait workflow with the simulator calling back to a local receiver; answers what it got. */
async function placeAndCapture(callbackStyle: CallbackStyle, executionId: string): Promise<Captured> {
	const receiver = await startCallbackReceiver();
	stops.push(receiver.close);
	const sim = new EsmsSimulator({ callDelayMs: 10, callbackRetryDelayMs: 5, intermediateCallbacks: true, callbackStyle });
	await sim.start();
	stops.push(() => sim.stop());
	const result = await runWait(waitWorkflow(sim, {}, { executionId, webhookWaitingBaseUrl: `${receiver.url}/webhook-waiting` }));
	expect(result.run.status).toBe('waiting');
	await sim.waitForIdle();
	expect(sim.callbacks.map((c) => [c.sendStatus, c.status])).toEqual([[2, 200], [7, 200], [5, 200]]);
	expect(receiver.hits).toHaveLength(3);
	return {
		token: result.run.data.resumeToken as string,
		referenceId: result.outputOf('eSMS Voice')[0][0].json.referenceId as string,
		executionId,
		receiver,
	};
}

/** Calls the node's webhook with a request for `url` (path + query as received). */
async function resume(url: string): Promise<{ result: IWebhookResponseData; written: Array<{ status: number; body: unknown }> }> {
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
		send(body: unknown) {
			written.push({ status, body });
			return response;
		},
	};
	const ctx = {
		getRequestObject: () => ({ url, originalUrl: url, query: Object.fromEntries(new URL(url, 'http://n8n.test').searchParams) }),
		getResponseObject: () => response,
		getNode: () => ({ id: 'n', name: 'eSMS Voice' }),
	} as unknown as IWebhookFunctions;
	const result = await new EsmsVoice().webhook.call(ctx);
	return { result, written };
}

describe.each(['append', 'strayQuestionMark'] as const)('callbacks in the %s style', (style) => {
	test('intermediate → keep waiting; final → the result item, without any resume parameter', async () => {
		const { token, referenceId, executionId, receiver } = await placeAndCapture(style, `exec-resume-${style}`);
		const [waiting, sent, final] = receiver.hits;

		// What n8n itself reads from the request: the token survives the gateway's appending.
		for (const hit of receiver.hits) {
			expect(hit.startsWith(`/webhook-waiting/${executionId}?signature=${token}&esmsRequestId=${rid(executionId)}&esmsPhone=0912345678`)).toBe(true);
			expect(new URL(hit, 'http://n8n.test').searchParams.get('signature')).toBe(token);
		}
		expect(final).toContain(style === 'append' ? 'esmsPhone=0912345678&ReferenceId=' : 'esmsPhone=0912345678?ReferenceId=');

		for (const hit of [waiting, sent]) {
			const { result, written } = await resume(hit);
			expect(result).toEqual({ webhookResponse: { received: true, resumed: false } });
			expect(written).toEqual([]);
		}

		const { result, written } = await resume(final);
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
		for (const secret of ['signature', token, 'esmsRequestId', 'esmsPhone']) expect(text).not.toContain(secret);
	});
});

test('a request to the resume URL that is not an eSMS callback → 400 JSON, the execution keeps waiting', async () => {
	for (const url of ['/webhook-waiting/exec-x?signature=abc', '/webhook-waiting/exec-x', '/webhook-waiting/exec-x?signature=abc&ReferenceId=']) {
		const { result, written } = await resume(url);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(written).toEqual([{ status: 400, body: { error: 'Not an eSMS call-result callback: ReferenceId is missing' } }]);
	}
});

test('a final callback with a resume URL that lost its own parameters still resumes (requestId / phone null)', async () => {
	const { result } = await resume('/webhook-waiting/exec-x?signature=tok&ReferenceId=r-9&CallStatus=NO+ANSWER&SendStatus=5&Price=0.0000');
	const json = result.workflowData?.[0][0].json as IDataObject;
	expect(json).toMatchObject({ referenceId: 'r-9', callStatus: 'noAnswer', answered: false, requestId: null, phone: null, resultReceived: true, timedOut: false });
	expect(json.raw).toEqual({ ReferenceId: 'r-9', CallStatus: 'NO ANSWER', SendStatus: '5', Price: '0.0000' });
	expect(JSON.stringify(json)).not.toContain('tok');
});

test('a repeated signature parameter (after a stray "?") is not leaked either', async () => {
	const { result } = await resume('/webhook-waiting/exec-x?signature=tok1&ReferenceId=r-10&SendStatus=5?signature=tok2');
	expect(JSON.stringify(result)).not.toMatch(/tok1|tok2|signature/);
});
