// eSMS's documented contract in a real n8n: the trigger's JSON acknowledgement, a voice OTP's
// SMS-form callback (an OTP-result item, repeats suppressed), a call callback without SendStatus
// (a final result), and Get Status of a voice OTP on the rest host, all through published workflows.
import { randomUUID } from 'node:crypto';

import { deliveredOtpResult, deliveredOtpStatusRaw } from '../test/fixtures/call-result';
import { nodeOutput } from './lib/n8n-client';
import { noOpNode, TRIGGER_NODE, triggerNode, triggerUrl } from './lib/nodes';
import { get, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { chain, ESMS_NODE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

const ACK = JSON.stringify({ received: true, started: true });

describe('eSMS contract in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	const webhookId = randomUUID();
	let callbackUrl: string;
	let triggerWorkflowId: string;
	let known: string[] = [];

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('contract', { callDelayMs: 300 });
		callbackUrl = triggerUrl(scenario.baseUrl, webhookId);
		triggerWorkflowId = await scenario.workflow(chain('e2e contract: results', [triggerNode(webhookId), noOpNode('Result')]));
		// Wait until n8n serves the trigger's production URL (404 right after publishing).
		const probe = await scenario.client.callWebhook(`${webhookId}/esms-voice`, { query: { probe: '1' } });
		expect(probe.status).toBe(400);
	});

	afterAll(async () => {
		await scenario?.close();
	});

	test('Send Voice OTP → the SMS-form callback starts one OTP-result execution; the answer is a JSON acknowledgement', async () => {
		const path = uniquePath('contract-otp');
		const otpWorkflow = await scenario.workflow(
			chain('e2e contract: voice OTP', [
				webhookNode(path),
				esmsNode(
					{
						resource: 'call',
						operation: 'sendVoiceOtp',
						phone: '0912345678',
						content: 'Ma OTP 123456',
						additionalFields: { callbackUrl, requestId: `e2e-otp-${webhookId.slice(0, 8)}` },
					},
					esms.credential,
				),
			]),
		);
		expect((await scenario.client.callWebhook(path)).status).toBe(200);
		const [sent] = await scenario.client.waitForExecutions(otpWorkflow, 1);
		expect(sent.status).toBe('success');
		const otpId = String(nodeOutput(sent, ESMS_NODE)[0].referenceId);
		expect(otpId).toMatch(/^[0-9a-f]{35}$/);

		await esms.sim.waitForIdle(15_000);
		expect(esms.sim.callbacks.map((c) => [c.sendStatus, c.status, c.attempt])).toEqual([[5, 200, 1]]);
		const delivery = esms.sim.callbacks[0].url;
		expect(delivery.startsWith(`${callbackUrl}?SMSID=${otpId}&SendFailed=0&SendStatus=5&SendSuccess=1&`)).toBe(true);

		known = await scenario.newExecutions(triggerWorkflowId, [], 1);
		const execution = await scenario.executionWithStatus(known[0], ['success', 'error']);
		expect(execution.status).toBe('success');
		const [item] = nodeOutput(execution, TRIGGER_NODE);
		expect(item).toEqual({
			...deliveredOtpResult(otpId, { requestId: `e2e-otp-${webhookId.slice(0, 8)}`, phone: '0912345678', telcoId: '1', typeId: '8' }),
			receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
			raw: expect.objectContaining({ SMSID: otpId, SendSuccess: '1', TotalPrice: '500' }),
		});

		// eSMS re-sends it (same SMSID, here in upper case): answered 200, nothing started.
		const replay = await get(delivery.replace(otpId, otpId.toUpperCase()));
		expect([replay.status, replay.text]).toEqual([200, JSON.stringify({ received: true, started: false, reason: 'repeated delivery' })]);
		expect(await scenario.idsAfterSettling(triggerWorkflowId, 1500)).toEqual(known);

		// Get Status of that ID (auto-detected as a voice OTP): the rest host's GetSendStatus?RefId=.
		const statusPath = uniquePath('contract-otp-status');
		const statusWorkflow = await scenario.workflow(
			chain('e2e contract: OTP status', [
				webhookNode(statusPath),
				esmsNode({ resource: 'call', operation: 'getStatus', referenceId: ` ${otpId.toUpperCase()} ` }, esms.credential),
			]),
		);
		expect((await scenario.client.callWebhook(statusPath)).status).toBe(200);
		const [status] = await scenario.client.waitForExecutions(statusWorkflow, 1);
		expect(status.status).toBe('success');
		const rest = esms.sim.requests.filter((r) => r.host === 'rest' && r.endpoint === 'GetSendStatus');
		expect(rest.map((r) => r.query.RefId)).toEqual([otpId.toUpperCase()]);
		expect(nodeOutput(status, ESMS_NODE)).toEqual([{ ...deliveredOtpResult(otpId), raw: deliveredOtpStatusRaw(otpId) }]);
	});

	test("a call callback without SendStatus (eSMS's 2023 form) is final: it starts, and n8n answers the JSON acknowledgement", async () => {
		const referenceId = randomUUID();
		const answer = await get(`${callbackUrl}?ReferenceId=${referenceId}&CallDuration=7&CallStatus=ANSWERED&Ivr=2&Price=500.0000&SentResult=1&CID=02871002454`);
		// Not n8n's placeholder text "firstEntryJson": the trigger's own short JSON.
		expect([answer.status, answer.text]).toEqual([200, ACK]);
		const fresh = await scenario.newExecutions(triggerWorkflowId, known, 1);
		const execution = await scenario.executionWithStatus(fresh[0], ['success', 'error']);
		expect(nodeOutput(execution, TRIGGER_NODE)[0]).toMatchObject({
			kind: 'call',
			referenceId,
			answered: true,
			keyPressed: '2',
			durationSeconds: 7,
			sendStatus: null,
			sendStatusLabel: 'Not reported',
			final: true,
		});
		known = [...known, ...fresh];
		const settled = await scenario.idsAfterSettling(triggerWorkflowId, 1500);
		expect([...settled].sort()).toEqual([...known].sort());
	});
});
