// The eSMS Voice Trigger in a published workflow: a Make Call workflow sends its Callback URL to the
// trigger's production URL; the simulator's callbacks start exactly one execution; repeats, bogus
// requests and intermediate statuses start none.
import { randomUUID } from 'node:crypto';

import { CALLER_ID } from '../simulator/src';
import { answeredTriggerItem } from '../test/fixtures/call-result';
import { nodeOutput } from './lib/n8n-client';
import { noOpNode, TRIGGER_NODE, triggerNode, triggerUrl } from './lib/nodes';
import { get, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { chain, ESMS_NODE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

describe('eSMS Voice Trigger in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	const webhookId = randomUUID();
	let callbackUrl: string;
	let triggerWorkflowId: string;
	let callWorkflow: { id: string; path: string };
	let firstExecutionIds: string[] = [];
	let referenceId = '';

	beforeAll(async () => {
		scenario = await Scenario.connect();
		// SendStatus 2 and 7 come before the final 5, as real eSMS sends them.
		esms = await scenario.simulator('trigger', { intermediateCallbacks: true, callDelayMs: 500 });
		callbackUrl = triggerUrl(scenario.baseUrl, webhookId);

		triggerWorkflowId = await scenario.workflow(chain('e2e trigger: call results', [triggerNode(webhookId), noOpNode('Result')]));
		const path = uniquePath('trigger-call');
		const id = await scenario.workflow(
			chain('e2e trigger: make call', [
				webhookNode(path),
				esmsNode(
					{
						resource: 'call',
						operation: 'makeCall',
						phone: '0912345671',
						recordingId: '1002',
						additionalFields: { callbackUrl, requestId: `e2e-trigger-${webhookId.slice(0, 8)}` },
					},
					esms.credential,
				),
			]),
		);
		callWorkflow = { id, path };
	});

	afterAll(async () => {
		await scenario?.close();
	});

	test("the simulator's final callback starts exactly one execution with the normalised result", async () => {
		const response = await scenario.client.callWebhook(callWorkflow.path);
		expect(response.status).toBe(200);
		const [callExecution] = await scenario.client.waitForExecutions(callWorkflow.id, 1);
		expect(callExecution.status).toBe('success');
		referenceId = String(nodeOutput(callExecution, ESMS_NODE)[0].referenceId);
		const call = esms.sim.getCall(referenceId);
		expect(call?.callbackUrl).toBe(callbackUrl);
		expect(esms.sim.requestsTo('MakeCallRecord_V2')[0].query.CallbackUrl).toBe(callbackUrl);

		await esms.sim.waitForIdle(15_000);
		// Every delivery (2, 7, then 5) was answered 200 at the first attempt: nothing to re-send.
		expect(esms.sim.callbacks.map((c) => [c.sendStatus, c.status, c.attempt])).toEqual([
			[2, 200, 1],
			[7, 200, 1],
			[5, 200, 1],
		]);
		firstExecutionIds = await scenario.newExecutions(triggerWorkflowId, [], 1);
		const execution = await scenario.executionWithStatus(firstExecutionIds[0], ['success', 'error']);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		const [item] = nodeOutput(execution, TRIGGER_NODE);
		expect(item).toEqual(answeredTriggerItem(referenceId));
		expect(nodeOutput(execution, 'Result')).toEqual([item]);
		// Still exactly one once things settled (the intermediate deliveries started none).
		expect(await scenario.idsAfterSettling(triggerWorkflowId, 1500)).toEqual(firstExecutionIds);
	});

	test('a repeated delivery, a request without ReferenceId and an intermediate status start nothing', async () => {
		expect(referenceId).not.toBe('');
		const finalDelivery = esms.sim.callbacks.find((c) => c.sendStatus === 5);
		expect(finalDelivery?.url.startsWith(`${callbackUrl}?ReferenceId=${referenceId}&`)).toBe(true);

		// eSMS re-sends the same result (e.g. it missed our 200): answered 200, ignored.
		const replay = await get(finalDelivery!.url);
		expect(replay.status).toBe(200);
		expect(JSON.parse(replay.text)).toEqual({ received: true, started: false, reason: 'repeated delivery' });

		// Not an eSMS callback at all.
		const bogus = await get(`${callbackUrl}?CallStatus=ANSWERED&SendStatus=5&Ivr=1`);
		expect(bogus.status).toBe(400);
		expect(JSON.parse(bogus.text)).toEqual({ error: 'Not an eSMS callback: it has neither ReferenceId (call) nor SMSID (voice OTP)' });

		// An intermediate status of another call: only final results start (Only Final Results default).
		const otherId = randomUUID();
		const waiting = await get(
			`${callbackUrl}?ReferenceId=${otherId}&CallDuration=0&CallStatus=&Ivr=&Price=0.0000&SentResult=0&CID=${CALLER_ID}&SendStatus=2`,
		);
		expect(waiting.status).toBe(200);
		expect(JSON.parse(waiting.text)).toEqual({ received: true, started: false, reason: 'not a final result' });

		expect(await scenario.idsAfterSettling(triggerWorkflowId)).toEqual(firstExecutionIds);
	});
});
