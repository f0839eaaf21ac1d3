/**
 * "Make Call and Wait for Result" in n8n-core's WorkflowExecute against the eSMS simulator:
 * the execution ends waiting, the call carries this execution's resume URL, and the stack entry
 * holds the item n8n continues with if the wait times out.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeHelpers, WAIT_INDEFINITELY } from 'n8n-workflow';

import { executeMakeCallAndWait } from '../../nodes/EsmsVoice/actions/call/makeCallAndWait.operation';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../../simulator/src';
import { NODE_NAME, rid, runWait, useSimulator, waitWorkflow } from './setup';

const handle = useSimulator();
const MINUTE = 60_000;
const TIMED_OUT_MESSAGE = 'No call result arrived from eSMS before the wait time limit. Use Get Status with the referenceId to check the call.';

const timedOutStack = (referenceId: unknown, executionId: string, phone = '0912345678') => [
	[{ json: { referenceId, requestId: rid(executionId), phone, resultReceived: false, timedOut: true, message: TIMED_OUT_MESSAGE }, pairedItem: { item: 0 } }],
];

test('waits indefinitely; exactly one MakeCallRecord_V2 with the resume URL as CallbackUrl; timed-out item on the stack', async () => {
	const { sim } = handle;
	const wf = waitWorkflow(sim, {}, { executionId: 'exec-wait-1' });
	const result = await runWait(wf);
	expect(result.error).toBeUndefined();
	expect(result.run.status).toBe('waiting');
	expect(result.waitTill).toEqual(WAIT_INDEFINITELY);

	expect(sim.requests).toHaveLength(1);
	const [request] = sim.requestsTo('MakeCallRecord_V2');
	const token = result.run.data.resumeToken as string;
	expect(token).toMatch(/^[0-9a-f]{64}$/);
	const callbackUrl = `https://n8n.example.com/webhook-waiting/exec-wait-1?signature=${token}&esmsWait=1`;
	expect(request.query).toEqual({
		ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY, Phone: '0912345678', TemplateId: '1001',
		RequestId: rid('exec-wait-1'), CallbackUrl: callbackUrl,
	});
	// The token is the FIRST query parameter: what a gateway appends cannot corrupt it.
	expect(request.rawQuery).toContain(`CallbackUrl=${encodeURIComponent(callbackUrl)}`);
	expect(new URL(callbackUrl).search.startsWith(`?signature=${token}&`)).toBe(true);

	const [[placed]] = result.outputOf(NODE_NAME);
	const referenceId = placed.json.referenceId as string;
	expect(placed).toEqual({
		json: { referenceId, alreadyPlaced: false, phone: '0912345678', requestId: rid('exec-wait-1'), code: '100', waiting: true },
		pairedItem: { item: 0 },
	});
	expect(sim.getCall(referenceId)?.callbackUrl).toBe(callbackUrl);

	const stack = result.run.data.executionData!.nodeExecutionStack;
	expect(stack.map((entry) => entry.node.name)).toEqual([NODE_NAME]);
	expect(stack[0].data.main).toEqual(timedOutStack(referenceId, 'exec-wait-1'));
});

test('a phone written any way is sent, and kept in the execution (not in the callback URL), in its national form', async () => {
	const { sim } = handle;
	const wf = waitWorkflow(sim, { phone: '+84 912.345.678' }, { executionId: 'exec-wait-2' });
	const result = await runWait(wf);
	const [request] = sim.requestsTo('MakeCallRecord_V2');
	expect(request.query.Phone).toBe('0912345678');
	// Only n8n's token and our marker: no phone (a bare `not.toContain('912')` would trip on a random token).
	expect(request.query.CallbackUrl).toMatch(/^https:\/\/n8n\.example\.com\/webhook-waiting\/exec-wait-2\?signature=[0-9a-f]+&esmsWait=1$/);
	expect(result.run.data.executionData!.nodeExecutionStack[0].data.main[0]![0].json.phone).toBe('0912345678');
});

describe('Limit Wait Time', () => {
	test('after 5 minutes → waitTill = now + 5 min', async () => {
		const { sim } = handle;
		const before = Date.now();
		const result = await runWait(waitWorkflow(sim, { limitWaitTime: true, limitType: 'afterTimeInterval', resumeAmount: 5, resumeUnit: 'minutes' }));
		const after = Date.now();
		expect(result.run.status).toBe('waiting');
		expect(result.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 5 * MINUTE);
		expect(result.waitTill!.getTime()).toBeLessThanOrEqual(after + 5 * MINUTE);
	});

	test('after 2 hours / 1 day', async () => {
		const { sim } = handle;
		for (const [unit, ms] of [['hours', 2 * 60 * MINUTE], ['days', 24 * 60 * MINUTE]] as const) {
			const before = Date.now();
			const result = await runWait(waitWorkflow(sim, { limitWaitTime: true, resumeAmount: unit === 'hours' ? 2 : 1, resumeUnit: unit }));
			expect(result.waitTill!.getTime() - before).toBeGreaterThanOrEqual(ms);
			expect(result.waitTill!.getTime() - before).toBeLessThan(ms + 10_000);
		}
	});

	test('at a specified time (with zone, and wall clock in the workflow time zone)', async () => {
		const { sim } = handle;
		const zoned = await runWait(waitWorkflow(sim, { limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: '2030-01-02T03:04:05.000Z' }));
		expect(zoned.waitTill).toEqual(new Date('2030-01-02T03:04:05.000Z'));
		const local = await runWait(waitWorkflow(sim, { limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: '2030-01-02T10:04:05' }));
		expect(local.waitTill).toEqual(new Date('2030-01-02T03:04:05.000Z'));
	});

	test('a time in the past → error, and no call is placed', async () => {
		const { sim } = handle;
		const result = await runWait(waitWorkflow(sim, { limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: '2020-01-01T00:00:00Z' }));
		expect(result.run.status).toBe('error');
		expect(result.waitTill).toBeUndefined();
		expect(result.errorOf(NODE_NAME)?.message).toBe('Item 1, field "Max Date and Time": is not a date in the future');
		expect(sim.requests).toHaveLength(0);
	});

	test('amount 0 → error, no call', async () => {
		const { sim } = handle;
		const result = await runWait(waitWorkflow(sim, { limitWaitTime: true, resumeAmount: 0, resumeUnit: 'minutes' }));
		expect(result.errorOf(NODE_NAME)?.message).toBe('Item 1, field "Amount": 0 is not allowed');
		expect(sim.requests).toHaveLength(0);
	});
});

test('Make Call from Template and Wait: one MakeCallTemplate_V2, same callback URL scheme and stack item', async () => {
	const { sim } = handle;
	const wf = waitWorkflow(
		sim,
		{ operation: 'makeCallFromTemplateAndWait', templateId: '2001', variables: { variable: [{ value: 'An' }, { value: '20000' }] } },
		{ executionId: 'exec-tpl-1' },
	);
	const result = await runWait(wf);
	expect(result.run.status).toBe('waiting');
	expect(result.waitTill).toEqual(WAIT_INDEFINITELY);
	expect(sim.requests.map((r) => r.endpoint)).toEqual(['MakeCallTemplate_V2']);
	const token = result.run.data.resumeToken as string;
	expect(sim.requests[0].query).toEqual({
		ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY, Phone: '0912345678', TemplateId: '2001', VariableListStr: 'An||20000',
		RequestId: rid('exec-tpl-1'),
		CallbackUrl: `https://n8n.example.com/webhook-waiting/exec-tpl-1?signature=${token}&esmsWait=1`,
	});
	const referenceId = result.outputOf(NODE_NAME)[0][0].json.referenceId;
	expect(typeof referenceId).toBe('string');
	expect(result.run.data.executionData!.nodeExecutionStack[0].data.main).toEqual(timedOutStack(referenceId, 'exec-tpl-1'));
});

describe('errors: nothing placed, no wait', () => {
	test('2 input items → exact error', async () => {
		const { sim } = handle;
		const result = await runWait(waitWorkflow(sim, {}, { items: [{ a: 1 }, { a: 2 }] }));
		expect(result.run.status).toBe('error');
		expect(result.waitTill).toBeUndefined();
		const error = result.errorOf(NODE_NAME);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe('Make Call and Wait for Result places one call per execution, but this node received 2 items');
		expect(error?.description).toBe(
			'Put the node in a Loop Over Items with batch size 1, or use Make Call (with the Callback URL of an eSMS Voice Trigger) to call many people at once.',
		);
		expect(sim.requests).toHaveLength(0);
	});

	test('a bad phone → error, 0 requests', async () => {
		const { sim } = handle;
		const result = await runWait(waitWorkflow(sim, { phone: '12345' }));
		expect(result.run.status).toBe('error');
		expect(result.waitTill).toBeUndefined();
		expect(result.errorOf(NODE_NAME)?.message).toBe('Item 1, field "Phone": "12345" is not a Vietnamese phone number');
		expect(sim.requests).toHaveLength(0);
	});

	test('eSMS code 103 → NodeApiError, no wait', async () => {
		const { sim } = handle;
		sim.setOutcome('0987654321', { callStatus: '', code: '103' });
		const result = await runWait(waitWorkflow(sim, { phone: '0987654321' }));
		expect(result.run.status).toBe('error');
		expect(result.waitTill).toBeUndefined();
		const error = result.errorOf(NODE_NAME);
		// WorkflowExecute keeps errors serialised in the run data: the class survives as its name.
		expect(error?.name).toBe(NodeApiError.name);
		expect(error?.message).toBe('eSMS error 103: Balance too low');
		expect(error?.description).toBe('Top up your eSMS account, then run the workflow again.');
		expect(sim.requests.map((r) => r.code)).toEqual(['103']);
		expect(JSON.stringify(error)).not.toContain(DEFAULT_SECRET_KEY);
	});
});

describe('a Callback URL in Additional Fields', () => {
	test('n8n drops it (the field is hidden for this operation): the call still gets the resume URL', async () => {
		const { sim } = handle;
		const params = { additionalFields: { callbackUrl: 'https://elsewhere.example.com/hook' } };
		const node = waitWorkflow(sim, params).nodes[1];
		const description = new EsmsVoice().description;
		expect(NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description)?.additionalFields).toEqual({});
		const result = await runWait(waitWorkflow(sim, params, { executionId: 'exec-cb-1' }));
		expect(result.run.status).toBe('waiting');
		expect(sim.requests[0].query.CallbackUrl).toMatch(/^https:\/\/n8n\.example\.com\/webhook-waiting\/exec-cb-1\?signature=/);
	});

	test('if it reaches the node anyway → exact error, before anything is sent', async () => {
		const { sim } = handle;
		const params: Record<string, unknown> = {
			resource: 'call', operation: 'makeCallAndWait', phone: '0912345678', recordingId: '1001',
			additionalFields: { callbackUrl: 'https://elsewhere.example.com/hook' }, options: {},
		};
		const node = { id: 'n1', name: NODE_NAME } as INode;
		const ctx = {
			getInputData: () => [{ json: {} }],
			getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
			getCredentials: async () => ({ apiKey: DEFAULT_API_KEY, secretKey: DEFAULT_SECRET_KEY, useCustomBaseUrls: true, voiceBaseUrl: sim.voiceBaseUrl }),
			getNode: () => node,
			getExecutionId: () => 'exec-cb-2',
			// Run by the engine as a step of the execution, so it could wait (see waitHere.ts).
			getExecuteData: () => ({ node, data: {}, source: null }),
			putExecutionToWait: async () => undefined,
			evaluateExpression: () => 'https://n8n.example.com/webhook-waiting/exec-cb-2?signature=t',
		} as unknown as IExecuteFunctions;
		await expect(executeMakeCallAndWait.call(ctx, 'makeCallAndWait')).rejects.toThrow(
			'Item 1, field "Callback URL": cannot be set in this operation',
		);
		expect(sim.requests).toHaveLength(0);
	});
});

test('eSMS already has this request ID (code 124, e.g. the node ran again): no second call, still waits', async () => {
	const { sim } = handle;
	await runWait(waitWorkflow(sim, {}, { executionId: 'exec-124' }));
	const again = await runWait(waitWorkflow(sim, {}, { executionId: 'exec-124' }));
	expect(sim.requests.map((r) => r.code)).toEqual(['100', '124']);
	expect(again.run.status).toBe('waiting');
	expect(again.outputOf(NODE_NAME)[0][0].json).toMatchObject({ referenceId: null, alreadyPlaced: true, requestId: rid('exec-124') });
	expect(again.run.data.executionData!.nodeExecutionStack[0].data.main).toEqual(timedOutStack(null, 'exec-124'));
});
