// Every operation of the eSMS Voice node run for real in n8n (Webhook → eSMS Voice), asserting what
// the simulator received (exact query strings and JSON bodies) and what n8n recorded.
import { randomUUID } from 'node:crypto';

import { answeredStatusResult } from '../test/fixtures/call-result';
import { nodeOutput } from './lib/n8n-client';
import { API_KEY_MASK, expectedAutoRequestId, maskBody, maskKeys, Scenario, SECRET_KEY_MASK, type SimulatorWithCredential } from './lib/scenario';
import { poll } from './lib/util';
import { ESMS_NODE, esmsNode, uniquePath, webhookNode, chain } from './lib/workflows';

/** A query string as n8n sends it: the keys first (credential), then the node's parameters in order. */
function expectedQuery(params: Array<[string, string | number]>): string {
	return [['ApiKey', API_KEY_MASK], ['SecretKey', SECRET_KEY_MASK], ...params]
		.map(([name, value]) => `${name}=${name.endsWith('Key') ? value : encodeURIComponent(String(value))}`)
		.join('&');
}

describe('eSMS Voice operations in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	let sink: { url: string; received: string[] };

	/** Creates and publishes Webhook → eSMS Voice(parameters); returns the workflow and node ids. */
	async function operationWorkflow(label: string, parameters: Record<string, unknown>): Promise<{ workflowId: string; nodeId: string; path: string }> {
		const path = uniquePath(`ops-${label}`);
		const node = esmsNode(parameters, esms.credential);
		const workflowId = await scenario.workflow(chain(`e2e ops: ${label}`, [webhookNode(path), node]));
		return { workflowId, nodeId: node.id as string, path };
	}

	/** Triggers the workflow through its webhook and returns its one finished execution. */
	async function run(workflow: { workflowId: string; path: string }, query?: Record<string, string>) {
		const known = await scenario.executionIds(workflow.workflowId);
		await scenario.client.callWebhook(workflow.path, { query });
		return await scenario.finishedExecution(workflow.workflowId, known);
	}

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('operations', { callDelayMs: 300 });
		sink = await scenario.callbackSink();
	});

	afterAll(async () => {
		await scenario?.close();
	});

	let placedReferenceId = '';

	test('Make Call sends IVR, retries, request ID and callback URL, and outputs the SMSID', async () => {
		const requestId = `e2e-call-${randomUUID().slice(0, 8)}`;
		const callbackUrl = `${sink.url}/esms-result?source=e2e`;
		const workflow = await operationWorkflow('make-call', {
			resource: 'call',
			operation: 'makeCall',
			phone: '+84 912 345 671',
			recordingId: '1001',
			forwardOnKeyPress: true,
			ivrKey: '0',
			forwardTo: '028 7100 2454',
			keyWaitSeconds: 15,
			additionalFields: { callbackUrl, maxRetries: 2, retryIntervalSeconds: 300, repeatCount: 1, requestId },
		});
		const before = esms.sim.requests.length;
		const execution = await run(workflow);

		expect(execution.status).toBe('success');
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['GET voice/MakeCallRecord_V2']);
		expect(maskKeys(requests[0].rawQuery)).toBe(
			expectedQuery([
				['Phone', '0912345671'],
				['TemplateId', '1001'],
				['Ivr', '0'],
				['NumberForward', '02871002454'],
				['TimeWaitToIvr', 15],
				['MaxRetry', 2],
				['WaitRetry', 300],
				['MaxRepeat', 1],
				['CallbackUrl', callbackUrl],
				['RequestId', requestId],
			]),
		);
		// The SMSID the simulator answered is the id of the call it created for this request.
		const referenceId = esms.sim.getCall(String(nodeOutput(execution, ESMS_NODE)[0].referenceId))?.referenceId;
		expect(referenceId).toEqual(expect.any(String));
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{ referenceId, alreadyPlaced: false, phone: '0912345671', requestId, code: '100' },
		]);
		expect(esms.sim.getCall(referenceId as string)).toEqual(
			expect.objectContaining({ endpoint: 'MakeCallRecord_V2', normalizedPhone: '0912345671', requestId, callbackUrl }),
		);
		placedReferenceId = referenceId as string;
	});

	test('Get Status of the call just placed, once the simulator finished it', async () => {
		expect(placedReferenceId).not.toBe('');
		await poll(async () => (esms.sim.getCall(placedReferenceId)?.status === 'final' ? true : undefined), {
			timeoutMs: 10_000,
			what: 'the simulated call to finish',
		});
		// The simulator reported the result to the Callback URL (the local sink) as eSMS would.
		await poll(async () => (sink.received.some((url) => url.includes(placedReferenceId)) ? true : undefined), {
			timeoutMs: 10_000,
			what: 'the callback to reach the sink',
		});
		const workflow = await operationWorkflow('get-status', {
			resource: 'call',
			operation: 'getStatus',
			referenceId: '={{ $json.query.ref }}',
		});
		const before = esms.sim.requests.length;
		const execution = await run(workflow, { ref: placedReferenceId });

		expect(execution.status).toBe('success');
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['GET voice/GetSendStatus']);
		expect(maskKeys(requests[0].rawQuery)).toBe(expectedQuery([['ReferenceId', placedReferenceId]]));
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([answeredStatusResult(placedReferenceId)]);
	});

	test('Make Call From Template sends the variables, voice and speed with an automatic request ID', async () => {
		const workflow = await operationWorkflow('template', {
			resource: 'call',
			operation: 'makeCallFromTemplate',
			phone: '0912.345.673',
			templateId: '2001',
			variables: { variable: [{ value: 'Nguyễn Văn An' }, { value: 'A-1001' }, { value: '250 000 đ' }] },
			additionalFields: { voice: 'ngoclam', speed: -2 },
		});
		const before = esms.sim.requests.length;
		const execution = await run(workflow);

		expect(execution.status).toBe('success');
		const requestId = expectedAutoRequestId(execution.id, workflow.nodeId);
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['GET voice/MakeCallTemplate_V2']);
		expect(maskKeys(requests[0].rawQuery)).toBe(
			expectedQuery([
				['Phone', '0912345673'],
				['TemplateId', '2001'],
				['VariableListStr', 'Nguyễn Văn An||A-1001||250 000 đ'],
				['Voice', 'ngoclam'],
				['Speed', -2],
				['RequestId', requestId],
			]),
		);
		const [item] = nodeOutput(execution, ESMS_NODE);
		const call = esms.sim.getCall(String(item.referenceId));
		expect(call?.requestId).toBe(requestId);
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{ referenceId: call?.referenceId, alreadyPlaced: false, phone: '0912345673', requestId, code: '100' },
		]);
	});

	test('Send Voice OTP posts the exact JSON body with SmsType 8', async () => {
		const workflow = await operationWorkflow('otp', {
			resource: 'call',
			operation: 'sendVoiceOtp',
			phone: '84912345674',
			content: 'Mã xác thực của bạn là 123456',
			additionalFields: { unicode: true, campaign: ' e2e-otp ' },
		});
		const before = esms.sim.requests.length;
		const execution = await run(workflow);

		expect(execution.status).toBe('success');
		const requestId = expectedAutoRequestId(execution.id, workflow.nodeId);
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['POST rest/SendMultipleMessage_V4_post_json']);
		expect(requests[0].rawQuery).toBe('');
		expect(maskBody(requests[0].body)).toEqual({
			ApiKey: API_KEY_MASK,
			SecretKey: SECRET_KEY_MASK,
			Phone: '0912345674',
			Content: 'Mã xác thực của bạn là 123456',
			SmsType: '8',
			IsUnicode: '1',
			Sandbox: '0',
			campaignid: 'e2e-otp',
			RequestId: requestId,
		});
		const [item] = nodeOutput(execution, ESMS_NODE);
		const call = esms.sim.getCall(String(item.referenceId));
		expect(call).toEqual(expect.objectContaining({ endpoint: 'SendMultipleMessage_V4_post_json', content: 'Mã xác thực của bạn là 123456' }));
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{ referenceId: call?.referenceId, alreadyPlaced: false, phone: '0912345674', sandbox: false, requestId, code: '100' },
		]);
	});

	test('Get Balance posts only the keys and outputs the balance', async () => {
		await esms.sim.waitForIdle(10_000);
		const workflow = await operationWorkflow('balance', { resource: 'account', operation: 'getBalance' });
		const before = esms.sim.requests.length;
		const execution = await run(workflow);

		expect(execution.status).toBe('success');
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['POST rest/GetBalance_json']);
		expect(maskBody(requests[0].body)).toEqual({ ApiKey: API_KEY_MASK, SecretKey: SECRET_KEY_MASK });
		// Three answered calls (500 each) were charged so far.
		expect(esms.sim.balance).toBe(1_000_000 - 3 * 500);
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{ balance: esms.sim.balance, userId: 9999, raw: { Balance: esms.sim.balance, CodeResponse: '100', UserID: 9999 } },
		]);
	});
});
