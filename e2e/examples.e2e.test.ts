// The workflows of examples/ imported as a user would (credential swapped, the local URL replaced,
// the trigger imported first and its Production URL pasted into the Callback URLs), published and
// run through their Webhooks against the simulator.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { nodeOutput, type WorkflowJson } from './lib/n8n-client';
import { EXAMPLES_DIR, exampleFiles, loadExample } from './lib/examples';
import { maskKeys, nodesRun, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { AGENT_EXAMPLE } from './lib/mcp';
import { triggerUrl } from './lib/nodes';
import { NODE_TYPES } from './lib/workflows';
import { vietnamClock } from './lib/util';

const FILES = {
	order: 'order-confirmation-call.json',
	result: 'call-result-by-key.json',
	reminders: 'reminders-from-list.json',
	wait: 'call-and-wait-then-branch.json',
};
const BRANCHES = ['Confirmed', 'Cancelled', 'Follow up'];

const pad = (n: number): string => String(n).padStart(2, '0');
/** Vietnam wall-clock fields of an instant: [yyyy, MM, dd, HH, mm, ss]. */
function vnFields(ms: number): string[] {
	const d = vietnamClock(ms);
	return [String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds())];
}
const sendDate = (f: string[], time = `${f[3]}:${f[4]}:${f[5]}`): string => `${f[0]}/${f[1]}/${f[2]} ${time}`;

describe('the example workflows in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	const ids: Record<string, string> = {};
	const workflows: Record<string, WorkflowJson> = {};
	let callbackUrl: string;

	const enc = encodeURIComponent;
	const keys = 'ApiKey=<API_KEY>&SecretKey=<SECRET_KEY>';

	async function post(path: string, body: unknown): Promise<void> {
		const response = await scenario.client.callWebhook(path, { method: 'POST', body });
		expect(response.status).toBe(200);
	}

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('examples', { outcomeByLastDigit: true, callDelayMs: 1000 });
		// As a user does: import the trigger workflow first, then paste its Production URL into the others.
		workflows[FILES.result] = loadExample(FILES.result, esms.credential, scenario.baseUrl);
		ids[FILES.result] = await scenario.workflow(workflows[FILES.result]);
		const stored = await scenario.client.api<WorkflowJson>('GET', `/api/v1/workflows/${ids[FILES.result]}`);
		const trigger = stored.nodes.find((node) => node.type === NODE_TYPES.trigger);
		callbackUrl = triggerUrl(scenario.baseUrl, String(trigger?.webhookId));
		// The AI-agent example needs a chat model: mcp-tool.e2e.test.ts imports it and serves its tools over MCP.
		// The campaign ledger needs a Data table and restarts n8n: campaign.e2e.test.ts runs it in an n8n of its own.
		const elsewhere = (name: string): boolean => name === AGENT_EXAMPLE || name.startsWith('campaign-');
		for (const file of exampleFiles().filter((name) => name !== FILES.result && !elsewhere(name))) {
			workflows[file] = loadExample(file, esms.credential, scenario.baseUrl, { callbackUrl });
			ids[file] = await scenario.workflow(workflows[file]);
		}
	});

	afterAll(async () => {
		await scenario?.close();
	});

	test('every example imports and publishes, keeping its Vietnam time zone', async () => {
		expect(Object.keys(ids).sort()).toEqual(Object.values(FILES).sort());
		for (const file of Object.keys(ids)) {
			const stored = await scenario.client.api<{ active: boolean; settings?: { timezone?: string } }>('GET', `/api/v1/workflows/${ids[file]}`);
			expect([file, stored.active, stored.settings?.timezone]).toEqual([file, true, 'Asia/Ho_Chi_Minh']);
		}
	});

	test('no example ships a webhook ID: each import got its own; Switch outputs are named after the keys they route', () => {
		for (const file of Object.values(FILES)) {
			const workflow = workflows[file];
			for (const node of workflow.nodes.filter((n) => n.webhookId !== undefined)) expect(String(node.webhookId)).toMatch(/^[0-9a-f-]{36}$/);
			const switches = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.switch');
			for (const node of switches) {
				const parameters = node.parameters as { rules: { values: Array<{ outputKey: string }> }; options: { renameFallbackOutput: string } };
				const outputs = [...parameters.rules.values.map((rule) => rule.outputKey), parameters.options.renameFallbackOutput];
				const targets = (workflow.connections[node.name as string] as { main: Array<Array<{ node: string }>> }).main.map((c) => c[0].node);
				expect([file, outputs.slice(0, 2), targets.slice(0, 2)]).toEqual([file, ['Key 1: confirm', 'Key 2: cancel'], ['Confirmed', 'Cancelled']]);
			}
		}
		const raw = Object.values(FILES).map((file) => fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
		expect(raw.filter((text) => text.includes('webhookId'))).toEqual([]);
	});

	test.each([
		['A1001', '0912 345 671', 'Confirmed', '0912345671', 'confirmed'],
		['A1002', '0912.345.672', 'Cancelled', '0912345672', 'cancelled'],
		['A1003', '+84 912 345 670', 'Follow up', '0912345670', 'follow-up'],
	])('order %s (%s): the call result routes to %s', async (orderId, phone, branch, national, orderStatus) => {
		const knownOrders = await scenario.executionIds(ids[FILES.order]);
		const knownResults = await scenario.executionIds(ids[FILES.result]);
		const before = esms.sim.requests.length;
		await post('esms-example/order', { orderId, phone });

		const order = await scenario.finishedExecution(ids[FILES.order], knownOrders);
		expect(order.status).toBe('success');
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => r.endpoint)).toEqual(['MakeCallRecord_V2']);
		expect(maskKeys(requests[0].rawQuery)).toBe(
			`${keys}&Phone=${national}&TemplateId=1001&Ivr=0&NumberForward=02871002454&TimeWaitToIvr=10&MaxRetry=1&WaitRetry=120` +
				`&CallbackUrl=${enc(callbackUrl)}&RequestId=order-${orderId}`,
		);
		const [placed] = nodeOutput(order, 'Call customer');
		expect(placed).toEqual({ referenceId: expect.any(String), alreadyPlaced: false, phone: national, requestId: `order-${orderId}`, code: '100' });

		// The simulator's callback reaches the published call-result-by-key workflow.
		const result = await scenario.finishedExecution(ids[FILES.result], knownResults, 20_000);
		expect(result.status).toBe('success');
		const [item] = nodeOutput(result, 'eSMS Voice Trigger');
		expect(item.referenceId).toBe(placed.referenceId);
		expect(nodesRun(result).filter((name) => BRANCHES.includes(name))).toEqual([branch]);
		expect(nodeOutput(result, branch)).toEqual([expect.objectContaining({ orderStatus, referenceId: placed.referenceId })]);
		const delivered = esms.sim.callbacks.filter((c) => c.referenceId === placed.referenceId);
		expect(delivered.map((c) => c.status)).toEqual([200]);
	});

	test('reminders: one scheduled call per reminder, in Vietnam time, with two retries 5 minutes apart', async () => {
		await esms.sim.waitForIdle(15_000);
		const knownResults = await scenario.executionIds(ids[FILES.result]);
		const knownRuns = await scenario.executionIds(ids[FILES.reminders]);
		const day = 24 * 3600_000;
		const local = vnFields(Date.now() + 2 * day); // written without an offset: the workflow zone (Vietnam)
		const utc = new Date(Date.now() + 3 * day);
		utc.setUTCHours(2, 15, 0, 0); // 02:15 UTC = 09:15 in Vietnam
		const reminders = [
			{ invoiceId: 'INV-1', phone: '0912345671', callAt: `${local[0]}-${local[1]}-${local[2]}T10:30:00` },
			{ invoiceId: 'INV-2', phone: '0912345672', callAt: utc.toISOString() },
			{ invoiceId: 'INV-3', phone: '0912345670' }, // no time: tomorrow 09:00 Vietnam time
		];
		const expectedDates = [sendDate(local, '10:30:00'), sendDate(vnFields(utc.getTime())), sendDate(vnFields(Date.now() + day), '09:00:00')];
		const before = esms.sim.requests.length;
		await post('esms-example/reminders', { reminders });

		const run = await scenario.finishedExecution(ids[FILES.reminders], knownRuns);
		expect(run.status).toBe('success');
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => r.endpoint)).toEqual(reminders.map(() => 'MakeCallRecord_V2'));
		const byPhone = new Map(requests.map((r) => [r.query.Phone, maskKeys(r.rawQuery)]));
		reminders.forEach((reminder, i) => {
			expect(byPhone.get(reminder.phone)).toBe(
				`${keys}&Phone=${reminder.phone}&TemplateId=1002&MaxRetry=2&WaitRetry=300&SendDate=${enc(expectedDates[i])}` +
					`&CallbackUrl=${enc(callbackUrl)}&RequestId=reminder-${reminder.invoiceId}`,
			);
		});
		expect(nodeOutput(run, 'Schedule reminder call')).toEqual(
			reminders.map((reminder, i) => ({
				referenceId: expect.any(String),
				alreadyPlaced: false,
				phone: reminder.phone,
				scheduledFor: expectedDates[i],
				requestId: `reminder-${reminder.invoiceId}`,
				code: '100',
			})),
		);
		// Their results go to call-result-by-key too (the simulator does not wait for SendDate).
		const results = await scenario.newExecutions(ids[FILES.result], knownResults, reminders.length, 20_000);
		expect(results).toHaveLength(reminders.length);
	});

	test('call and wait: the execution waits for the result, then branches on the key pressed', async () => {
		await esms.sim.waitForIdle(15_000);
		const before = esms.sim.requests.length;
		const body = { orderId: 'A1002', phone: '0912345672', customerName: 'Nguyễn Văn An', total: '250000' };
		await post('esms-example/order-and-wait', body);

		const [id] = await scenario.newExecutions(ids[FILES.wait], []);
		const waiting = await scenario.executionWithStatus(id, ['waiting', 'success', 'error', 'crashed']);
		expect(waiting.status).toBe('waiting');
		const [request] = esms.sim.requests.slice(before);
		const resumeUrl = request.query.CallbackUrl;
		// n8n 2.x signs the resume URL (`?signature=`); n8n 1.x does not.
		const signed = !scenario.n8n.n8nVersion.startsWith('1.');
		expect(resumeUrl.startsWith(`${scenario.baseUrl}/webhook-waiting/${id}${signed ? '?signature=' : '?'}`)).toBe(true);
		expect(maskKeys(request.rawQuery)).toBe(
			`${keys}&Phone=0912345672&TemplateId=2001&VariableListStr=${enc('Nguyễn Văn An||A1002||250000')}&Voice=hatieumai` +
				`&RequestId=order-wait-A1002&CallbackUrl=${enc(resumeUrl)}`,
		);

		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed'], 20_000);
		expect(execution.status).toBe('success');
		const [result] = nodeOutput(execution, 'Call and wait');
		expect(result).toEqual(
			expect.objectContaining({ answered: true, keyPressed: '2', resultReceived: true, timedOut: false, requestId: 'order-wait-A1002', phone: '0912345672' }),
		);
		expect(nodesRun(execution).filter((name) => ['Confirmed', 'Cancelled', 'No answer'].includes(name))).toEqual(['Cancelled']);
		expect(nodeOutput(execution, 'Cancelled')).toEqual([expect.objectContaining({ orderStatus: 'cancelled', keyPressed: '2' })]);
	});
});
