// "Make Call and Wait for Result" in a published workflow: the execution waits, intermediate
// callbacks keep it waiting, the final one resumes it; the stray-'?' callback style still resumes;
// a final callback without SendStatus (eSMS's 2023 form) resumes it too;
// Limit Wait Time continues with the timed-out item when no result ever comes; another call's
// result, or forged parameters, on the resume URL (with its valid token) resume nothing.
import { CALLER_ID } from '../simulator/src';
import type { Execution } from './lib/n8n-client';
import { nodeOutput } from './lib/n8n-client';
import { setNode, webhookNodeOnReceived } from './lib/nodes';
import { expectedAutoRequestId, get, maskKeys, runDataText, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { poll } from './lib/util';
import { chain, ESMS_NODE, esmsNode, uniquePath } from './lib/workflows';

const SET_NODE = 'Handled';

describe('Make Call and Wait for Result in a real n8n', () => {
	let scenario: Scenario;

	interface WaitWorkflow {
		workflowId: string;
		nodeId: string;
		path: string;
	}

	async function waitWorkflow(label: string, esms: SimulatorWithCredential, parameters: Record<string, unknown>): Promise<WaitWorkflow> {
		const path = uniquePath(`wait-${label}`);
		const node = esmsNode({ resource: 'call', operation: 'makeCallAndWait', recordingId: '1001', ...parameters }, esms.credential);
		const workflowId = await scenario.workflow(
			chain(`e2e wait: ${label}`, [webhookNodeOnReceived(path), node, setNode(SET_NODE, { handled: true })]),
		);
		return { workflowId, nodeId: node.id as string, path };
	}

	/** Starts the workflow through its webhook; returns the id of the execution, once it waits. */
	async function startAndWait(workflow: WaitWorkflow): Promise<string> {
		const response = await scenario.client.callWebhook(workflow.path);
		expect(response.status).toBe(200);
		const [id] = await scenario.newExecutions(workflow.workflowId, []);
		const execution = await scenario.executionWithStatus(id, ['waiting', 'success', 'error', 'crashed']);
		expect(execution.status).toBe('waiting');
		return id;
	}

	/** `withSendStatus` false: eSMS's 2023 callback form, no SendStatus at all (final all the same). */
	function resultItem(execution: Execution, referenceId: string, phone: string, requestId: string, key: string, withSendStatus = true): void {
		const raw: Record<string, string> = {
			ReferenceId: referenceId,
			CallDuration: '13',
			CallStatus: 'ANSWERED',
			Ivr: key,
			Price: '500.0000',
			SentResult: '1',
			CID: CALLER_ID,
		};
		if (withSendStatus) raw.SendStatus = '5';
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{
				referenceId,
				answered: true,
				callStatus: 'answered',
				callStatusRaw: 'ANSWERED',
				durationSeconds: 13,
				keyPressed: key,
				price: 500,
				sentResult: true,
				callerId: CALLER_ID,
				sendStatus: withSendStatus ? 5 : null,
				sendStatusLabel: withSendStatus ? 'Finished' : 'Not reported',
				final: true,
				requestId,
				phone,
				resultReceived: true,
				timedOut: false,
				receivedAt: expect.any(String),
				raw,
			},
		]);
		expect(nodeOutput(execution, SET_NODE)).toEqual([expect.objectContaining({ handled: true, keyPressed: key, resultReceived: true })]);
	}

	// Limit Wait Time: started first so n8n's wait tracker (it polls every 60 s) runs while the other tests do.
	let limited: { esms: SimulatorWithCredential; workflow: WaitWorkflow; executionId: string; startedAt: number };

	beforeAll(async () => {
		scenario = await Scenario.connect();
		// The call never finishes within the test, so no callback ever reaches n8n.
		const esms = await scenario.simulator('wait-never', { callDelayMs: 10 * 60_000 });
		const workflow = await waitWorkflow('limit', esms, {
			phone: '0912345678',
			limitWaitTime: true,
			limitType: 'atSpecifiedTime',
			maxDateAndTime: "={{ $now.plus({ seconds: 8 }).toISO() }}",
		});
		const startedAt = Date.now();
		limited = { esms, workflow, executionId: await startAndWait(workflow), startedAt };
	});

	afterAll(async () => {
		await scenario?.close();
	});

	test('waits through the intermediate callbacks and resumes on the final one with the key pressed', async () => {
		const esms = await scenario.simulator('wait-intermediate', { intermediateCallbacks: true, outcomeByLastDigit: true, callDelayMs: 4000 });
		const workflow = await waitWorkflow('intermediate', esms, { phone: '+84 912 345 672' });
		const id = await startAndWait(workflow);

		// The call carries this execution's resume URL as CallbackUrl: in n8n 2.x with n8n's token first;
		// n8n 1.x signs no resume URL (no `signature`), so the node's parameters start the query.
		const [request] = esms.sim.requestsTo('MakeCallRecord_V2');
		const requestId = expectedAutoRequestId(id, workflow.nodeId);
		const callbackUrl = request.query.CallbackUrl;
		const signed = !scenario.n8n.n8nVersion.startsWith('1.');
		let token = '';
		if (!signed) {
			// n8n 1.x signs no resume URL: the ReferenceId check is what keeps strangers out.
			expect(callbackUrl).toBe(`${scenario.baseUrl}/webhook-waiting/${id}?esmsWait=1`);
		} else {
			expect(callbackUrl.startsWith(`${scenario.baseUrl}/webhook-waiting/${id}?signature=`)).toBe(true);
			token = new URL(callbackUrl).searchParams.get('signature') ?? '';
			expect(token.length).toBeGreaterThanOrEqual(16);
			expect(callbackUrl).toBe(`${scenario.baseUrl}/webhook-waiting/${id}?signature=${token}&esmsWait=1`);
		}
		expect(maskKeys(request.rawQuery)).toBe(
			`ApiKey=<API_KEY>&SecretKey=<SECRET_KEY>&Phone=0912345672&TemplateId=1001&RequestId=${requestId}&CallbackUrl=${encodeURIComponent(callbackUrl)}`,
		);

		// SendStatus 2 and 7 are answered 200 and leave the execution waiting.
		await poll(
			async () => (esms.sim.callbacks.filter((c) => c.status === 200 && c.sendStatus !== 5).length >= 2 ? true : undefined),
			{ timeoutMs: 10_000, what: 'the intermediate callbacks to be accepted' },
		);
		expect(esms.sim.callbacks.filter((c) => c.status === 200).map((c) => c.sendStatus)).toEqual([2, 7]);
		// A callback arriving before n8n saved the execution as waiting gets 409 ("running already")
		// and is re-sent (eSMS re-sends until it gets 200); nothing else may fail. n8n 1.x answers 500
		// instead when the callback lands between the status change and the save (its waiting-webhook
		// handler throws "Cannot read properties of undefined (reading 'pop')"); the re-send works there too.
		const early: Array<number | 'error'> = signed ? [409] : [409, 500];
		expect(esms.sim.callbacks.filter((c) => c.status !== 200 && !early.includes(c.status))).toEqual([]);
		expect((await scenario.client.getExecution(id, false)).status).toBe('waiting');
		// The resume URL without a result (no ReferenceId) is refused and resumes nothing; a wrong token is
		// n8n's 401 (n8n 2.x; n8n 1.x has no token to forge).
		const bogus = await get(callbackUrl);
		expect([bogus.status, bogus.text]).toEqual([400, JSON.stringify({ error: 'Not an eSMS call-result callback: ReferenceId is missing' })]);
		if (signed) {
			const forged = await get(`${callbackUrl.replace(token, 'f'.repeat(token.length))}&ReferenceId=${esms.sim.callbacks[0].referenceId}&SendStatus=5`);
			expect(forged.status).toBe(401);
		}
		expect((await scenario.client.getExecution(id, false)).status).toBe('waiting');

		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed'], 20_000);
		expect(execution.status).toBe('success');
		expect(esms.sim.callbacks.at(-1)).toEqual(expect.objectContaining({ sendStatus: 5, status: 200 }));
		const referenceId = esms.sim.callbacks[0].referenceId;
		expect(esms.sim.getCall(referenceId)?.requestId).toBe(requestId);
		resultItem(execution, referenceId, '0912345672', requestId, '2');
		// The resume token never reaches what n8n recorded as output.
		if (signed) expect(runDataText(execution).includes(token)).toBe(false);
		expect(runDataText(execution).includes('signature')).toBe(false);
		// A re-delivery of the final result finds the execution finished: n8n refuses it (409), nothing runs again.
		const replay = await get(esms.sim.callbacks.at(-1)!.url);
		expect(replay.status).toBe(409);
		expect((await scenario.client.getExecution(id, false)).status).toBe('success');
		// Exactly one execution: the callbacks resumed it, they did not start new ones.
		expect(await scenario.executionIds(workflow.workflowId)).toEqual([id]);
	});

	test("another call's result on the resume URL (valid token) does not resume it; forged esmsPhone/esmsRequestId change nothing", async () => {
		const esms = await scenario.simulator('wait-forged', { outcomeByLastDigit: true, callDelayMs: 6000 });
		const workflow = await waitWorkflow('forged', esms, { phone: '0912345673' });
		const id = await startAndWait(workflow);
		const [request] = esms.sim.requestsTo('MakeCallRecord_V2');
		const callbackUrl = request.query.CallbackUrl;
		const requestId = expectedAutoRequestId(id, workflow.nodeId);

		// What the probe did: key 9, 99 s, another call's ReferenceId, forged phone and request ID.
		const otherCall = `ReferenceId=someone-elses-call&CallDuration=99&CallStatus=ANSWERED&Ivr=9&Price=500.0000&SentResult=1&CID=${CALLER_ID}&SendStatus=5`;
		const forged = await get(`${callbackUrl}&${otherCall}&esmsPhone=0999999999&esmsRequestId=forged-id`);
		expect([forged.status, forged.text]).toEqual([
			200,
			JSON.stringify({ received: true, resumed: false, reason: 'not the call this execution waits for' }),
		]);
		expect((await scenario.client.getExecution(id, false)).status).toBe('waiting');
		expect(scenario.n8n.logs()).toContain(`eSMS Voice: execution ${id} waits for call "`);
		expect(scenario.n8n.logs()).toContain('; ignored a callback for call "someone-elses-call" on its resume URL');

		// The real result then resumes it at its first delivery; phone and request ID are the placed ones.
		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed'], 20_000);
		expect(execution.status).toBe('success');
		const [delivery] = esms.sim.callbacks;
		expect(esms.sim.callbacks.map((c) => c.status)).toEqual([200]);
		resultItem(execution, delivery.referenceId, '0912345673', requestId, '1');
		expect(runDataText(execution)).not.toMatch(/0999999999|forged-id|someone-elses-call/);
	});

	test("a callback with a stray second '?' still resumes the execution", async () => {
		// The result 4 s after the call: with 1 s, n8n 1.123.81 had resumed and finished the execution
		// before the first status poll could see it waiting.
		const esms = await scenario.simulator('wait-stray', { callbackStyle: 'strayQuestionMark', outcomeByLastDigit: true, callDelayMs: 4000 });
		const workflow = await waitWorkflow('stray', esms, { phone: '0912345671', additionalFields: { requestId: 'e2e-wait-stray' } });
		const id = await startAndWait(workflow);

		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed'], 20_000);
		expect(execution.status).toBe('success');
		const [delivery] = esms.sim.callbacks;
		expect(delivery.status).toBe(200);
		expect(delivery.url).toContain(`esmsWait=1?ReferenceId=${delivery.referenceId}&`);
		resultItem(execution, delivery.referenceId, '0912345671', 'e2e-wait-stray', '1');
		expect(runDataText(execution).includes('signature')).toBe(false);
	});

	test("a final callback without SendStatus (eSMS's 2023 form, the simulator's --no-send-status) resumes the execution", async () => {
		// The result 4 s after the call, so the execution is seen waiting first (as in the stray '?' case).
		const esms = await scenario.simulator('wait-no-send-status', { omitSendStatus: true, outcomeByLastDigit: true, callDelayMs: 4000 });
		const workflow = await waitWorkflow('no-send-status', esms, { phone: '0912345674' });
		const id = await startAndWait(workflow);
		const requestId = expectedAutoRequestId(id, workflow.nodeId);

		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed'], 20_000);
		expect(execution.status).toBe('success');
		// Accepted at its first delivery: the one callback eSMS sent, without SendStatus, resumed it.
		const [delivery] = esms.sim.callbacks;
		expect(esms.sim.callbacks.map((c) => c.status)).toEqual([200]);
		expect(new URL(delivery.url).searchParams.has('SendStatus')).toBe(false);
		expect(esms.sim.getCall(delivery.referenceId)?.requestId).toBe(requestId);
		resultItem(execution, delivery.referenceId, '0912345674', requestId, '1', false);
		expect(await scenario.executionIds(workflow.workflowId)).toEqual([id]);
	});

	test('Limit Wait Time continues with the timed-out item when no result arrives', async () => {
		const { esms, workflow, executionId } = limited;
		// n8n's wait tracker resumes executions whose time limit passed; it looks every 60 s.
		const execution = await scenario.executionWithStatus(executionId, ['success', 'error', 'crashed'], 75_000);
		console.log(`[e2e] Limit Wait Time: resumed ${((Date.now() - limited.startedAt) / 1000).toFixed(1)} s after the start`);
		expect(execution.status).toBe('success');
		const [request] = esms.sim.requestsTo('MakeCallRecord_V2');
		const referenceId = String(nodeOutput(execution, ESMS_NODE)[0].referenceId);
		// The call is real (the simulator placed it) and never finished: no result could have come.
		expect(esms.sim.getCall(referenceId)?.status).toBe('pending');
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{
				referenceId,
				requestId: request.query.RequestId,
				phone: '0912345678',
				resultReceived: false,
				timedOut: true,
				message: 'No call result arrived from eSMS before the wait time limit. Use Get Status with the referenceId to check the call.',
			},
		]);
		expect(nodeOutput(execution, SET_NODE)).toEqual([expect.objectContaining({ handled: true, timedOut: true })]);
		expect(request.query.RequestId).toBe(expectedAutoRequestId(executionId, workflow.nodeId));
		expect(esms.sim.callbacks).toHaveLength(0);
		expect(await scenario.executionIds(workflow.workflowId)).toEqual([executionId]);
	}, 90_000);
});
