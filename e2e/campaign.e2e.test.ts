// The campaign ledger (examples/campaign-*.json) in a real n8n of its own, stopped and started again
// on the same user folder and database: 200 calls placed; n8n down when their results come, so every
// callback and all its re-sends fail; after the restart one sweep records all 200 — none lost, none
// twice — and the report's counts equal what the simulator says it sent. Also: a sweep over calls
// eSMS does not know yet (105) fails nothing; a callback re-sent because its answer was lost, and
// one that reaches n8n after the sweep recorded the result, are recorded once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { EsmsSimulator, type SimulatorSummary } from '../simulator/src';
import { CallbackNetwork, DataTables, runScheduledOnce, startChatReceiver, type Row } from './lib/campaign';
import { exampleNode, loadExample } from './lib/examples';
import { nodeOutput, N8nClient, type Execution, type WorkflowJson } from './lib/n8n-client';
import { startN8n, type N8nHandle } from './lib/n8n-process';
import { E2E_OWNER, packageDir } from './lib/shared';
import { poll } from './lib/util';
import { CREDENTIAL_TYPE, NODE_TYPES } from './lib/workflows';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';

const TABLE = 'eSMS call ledger';
const COLUMNS: Array<[string, 'string' | 'number' | 'date']> = [
	['referenceId', 'string'], ['requestId', 'string'], ['phone', 'string'], ['status', 'string'],
	['placedAt', 'date'], ['dueAt', 'date'], ['keyPressed', 'string'], ['durationSeconds', 'number'],
	['price', 'number'], ['resultAt', 'date'], ['resultSource', 'string'], ['note', 'string'],
];
const CALLS = 200;
/** Last digit → the simulator's outcome: 0 no answer, 2 key 2, 9 failed, else key 1 (20 of each digit). */
const PHONES = Array.from({ length: CALLS }, (_, i) => `09120${String(i).padStart(5, '0')}`);
const DO_NOT_CALL = '0988000001';
/** Long enough to place 200 calls, sweep once and stop n8n before the first result. */
const CALL_DELAY_MS = 30_000;
/** GetSendStatus answers 105 for calls younger than this (the first sweep runs well within it). */
const NOT_FOUND_FOR_MS = 22_000;

const FILES = { place: 'campaign-place.json', record: 'campaign-record.json', sweep: 'campaign-sweep.json', report: 'campaign-report.json' };
const SCHEDULES = { sweep: 'Every 5 minutes', report: 'Every day at 18:00' };

/** The ledger status a final simulated call must end with. */
function expectedStatus(phone: string): { status: string; keyPressed: string | null; durationSeconds: number } {
	switch (phone.slice(-1)) {
		case '0':
			return { status: 'noAnswer', keyPressed: null, durationSeconds: 0 };
		case '9':
			return { status: 'failed', keyPressed: null, durationSeconds: 0 };
		case '2':
			return { status: 'answered', keyPressed: '2', durationSeconds: 13 };
		default:
			return { status: 'answered', keyPressed: '1', durationSeconds: 13 };
	}
}

/** What choosing the table in the node's list stores (the examples name it, which n8n 1.x cannot resolve). */
function pickTableFromList(workflow: WorkflowJson, tableId: string): void {
	for (const node of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable')) {
		const parameters = node.parameters as { dataTableId: Record<string, unknown> };
		expect(parameters.dataTableId).toEqual({ __rl: true, mode: 'name', value: TABLE });
		parameters.dataTableId = { __rl: true, mode: 'list', value: tableId, cachedResultName: TABLE };
	}
}

describe('campaign ledger with Data tables, across an n8n restart (real n8n)', () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-campaign-'));
	const sim = new EsmsSimulator({ outcomeByLastDigit: true, callDelayMs: CALL_DELAY_MS, notFoundForMs: NOT_FOUND_FOR_MS });
	const network = new CallbackNetwork();
	let chat: Awaited<ReturnType<typeof startChatReceiver>>;
	let handle: N8nHandle | undefined;
	let client: N8nClient;
	let tables: DataTables;
	let tableId = '';
	const ids: Record<keyof typeof FILES, string> = { place: '', record: '', sweep: '', report: '' };
	const workflows = {} as Record<keyof typeof FILES, WorkflowJson>;
	let stoppedAt = 0;

	async function start(port?: number, brokerPort?: number): Promise<void> {
		handle = await startN8n({ packageDir: packageDir(), userFolder, port, brokerPort, logFile: path.join(userFolder, `n8n-${Date.now()}.log`) });
		const next = new N8nClient(handle.baseUrl);
		next.n8nVersion = handle.n8nVersion;
		next.apiKey = client?.apiKey;
		client = next;
		network.target = handle.baseUrl;
	}

	async function executionIds(workflowId: string): Promise<string[]> {
		return (await client.listExecutions(workflowId)).map((e) => e.id);
	}

	/** The first execution of `workflowId` not in `known`, once finished. */
	async function finished(workflowId: string, known: string[], timeoutMs = 60_000): Promise<string> {
		return await poll(
			async () => {
				const fresh = (await client.listExecutions(workflowId)).filter((e) => !known.includes(e.id) && e.stoppedAt);
				return fresh.length > 0 ? fresh.sort((a, b) => Number(a.id) - Number(b.id))[0].id : undefined;
			},
			{ timeoutMs, intervalMs: 500, what: `a finished execution of workflow ${workflowId}` },
		);
	}

	async function execution(id: string): Promise<Execution> {
		return await client.getExecution(id, true);
	}

	/** Status and error of an execution, so a failure says why. */
	function outcome(run: Execution): { status: string; error?: string } {
		const error = run.data?.resultData.error;
		return error ? { status: run.status, error: `${run.data?.resultData.lastNodeExecuted}: ${error.message} ${error.description ?? ''}` } : { status: run.status };
	}

	async function runSchedule(which: 'sweep' | 'report'): Promise<Execution> {
		const id = await runScheduledOnce(client, ids[which], workflows[which], SCHEDULES[which], () => executionIds(ids[which]), (known) =>
			finished(ids[which], known),
		);
		return await execution(id);
	}

	async function place(campaign: string, phones: string[]): Promise<Execution> {
		const known = await executionIds(ids.place);
		const answer = await client.callWebhook('esms-example/campaign', { method: 'POST', body: { campaign, calls: phones.map((phone) => ({ phone })), doNotCall: [DO_NOT_CALL] } });
		expect(answer.status).toBe(200);
		return await execution(await finished(ids.place, known, 90_000));
	}

	const rows = (): Promise<Row[]> => tables.rows(tableId);
	const rowOf = async (referenceId: string): Promise<Row | undefined> => (await rows()).find((row) => row.referenceId === referenceId);

	beforeAll(async () => {
		await network.start();
		await sim.start();
		chat = await startChatReceiver();
		await start();
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('campaign');
		tables = await DataTables.connect(client);
		tableId = await tables.create(TABLE, COLUMNS);
		const credential = await client.createCredential('eSMS sim (campaign)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY,
			secretKey: DEFAULT_SECRET_KEY,
			useCustomBaseUrls: true,
			voiceBaseUrl: sim.voiceBaseUrl,
			restBaseUrl: sim.restBaseUrl,
		});

		// As a user does: the record workflow first, its trigger's Production URL into the place workflow.
		workflows.record = loadExample(FILES.record, credential, handle!.baseUrl);
		if (handle!.n8nVersion.startsWith('1.')) pickTableFromList(workflows.record, tableId);
		ids.record = (await client.createWorkflow(workflows.record)).id;
		await client.activateWorkflow(ids.record);
		const stored = await client.api<WorkflowJson>('GET', `/api/v1/workflows/${ids.record}`);
		const webhookId = String(stored.nodes.find((node) => node.type === NODE_TYPES.trigger)?.webhookId);
		// The callbacks pass the network in front of n8n (which can lose or hold them).
		workflows.place = loadExample(FILES.place, credential, handle!.baseUrl, { callbackUrl: `${network.url}/webhook/${webhookId}/esms-voice` });
		// The test runs at any hour: call now (the example keeps 08:00-17:00).
		Object.assign(exampleNode(workflows.place, 'Call (calling hours, Do-Not-Call)').parameters as object, { callingHours: 'anyTime' });
		workflows.sweep = loadExample(FILES.sweep, credential, handle!.baseUrl);
		// Sweep rows at once rather than 10 minutes after they were due.
		const filters = (exampleNode(workflows.sweep, 'Rows still placed').parameters as { filters: { conditions: Array<{ keyValue: string }> } }).filters;
		expect(filters.conditions[1].keyValue).toBe('={{ $now.minus({ minutes: 10 }).toISO() }}');
		filters.conditions[1].keyValue = '={{ $now.toISO() }}';
		workflows.report = loadExample(FILES.report, credential, handle!.baseUrl);
		Object.assign(exampleNode(workflows.report, 'Send to chat').parameters as object, { url: chat.url });
		// n8n 1.x's Data table node has no "By Name": there the user picks the table from the list in each node.
		if (handle!.n8nVersion.startsWith('1.')) for (const workflow of [workflows.place, workflows.sweep, workflows.report]) pickTableFromList(workflow, tableId);
		for (const which of ['place', 'sweep', 'report'] as const) ids[which] = (await client.createWorkflow(workflows[which])).id;
		await client.activateWorkflow(ids.place);
	});

	afterAll(async () => {
		await handle?.stop();
		await sim.stop();
		await network.stop();
		await chat?.close();
		fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test(`${CALLS} calls placed, one ledger row each; a sweep while eSMS does not know them yet (105) leaves them placed and fails nothing`, async () => {
		const run = await place('e2e', [...PHONES, DO_NOT_CALL]);
		expect(outcome(run)).toEqual({ status: 'success' });
		expect(sim.placedCalls()).toHaveLength(CALLS);
		const ledger = await rows();
		expect(ledger).toHaveLength(CALLS + 1);
		const placed = ledger.filter((row) => row.status === 'placed');
		expect(placed.map((row) => row.phone)).toEqual(PHONES);
		const byPhone = new Map(sim.placedCalls().map((call) => [call.phone, call]));
		for (const row of placed) {
			expect(row).toMatchObject({
				referenceId: byPhone.get(String(row.phone))?.referenceId,
				requestId: `campaign-e2e-${String(row.phone)}`,
				keyPressed: null,
				resultSource: null,
			});
		}
		expect(ledger.filter((row) => row.status !== 'placed')).toEqual([
			expect.objectContaining({ phone: DO_NOT_CALL, status: 'skipped', note: 'on the do-not-call list', referenceId: null }),
		]);

		const sweep = await runSchedule('sweep');
		expect(outcome(sweep)).toEqual({ status: 'success' });
		expect(Date.now() - sim.placedCalls()[0].createdAt).toBeLessThan(NOT_FOUND_FOR_MS);
		const statuses = nodeOutput(sweep, 'Get Status');
		expect(statuses).toHaveLength(CALLS);
		expect(new Set(statuses.map((s) => JSON.stringify([s.found, s.final, s.code])))).toEqual(new Set([JSON.stringify([false, false, '105'])]));
		expect(sweep.data?.resultData.runData['Record result once']).toBeUndefined();
		expect((await rows()).filter((row) => row.status === 'placed')).toHaveLength(CALLS);
	});

	test('n8n down while every result comes (all callbacks and re-sends fail); after the restart one sweep records all 200, none twice', async () => {
		const { port, brokerPort } = handle!;
		await handle!.stop();
		stoppedAt = Date.now();
		expect(sim.callbacks).toHaveLength(0);
		await sim.waitForIdle(CALL_DELAY_MS + 30_000);
		const attempts = sim.callbacks;
		expect(attempts).toHaveLength(CALLS * 6);
		expect(attempts.every((a) => a.time > stoppedAt && a.status === 502)).toBe(true);
		expect(sim.summary().callbacks).toEqual({ delivered: 0, neverDelivered: CALLS, sending: 0, noCallbackUrl: 0 });

		await start(port, brokerPort);
		await client.login(E2E_OWNER.email, E2E_OWNER.password);
		const sweep = await runSchedule('sweep');
		expect(outcome(sweep)).toEqual({ status: 'success' });
		const recorded = nodeOutput(sweep, 'Record result once');
		expect(recorded).toHaveLength(CALLS);
		expect(new Set(recorded.map((row) => row.referenceId)).size).toBe(CALLS);

		const ledger = await rows();
		const calls = ledger.filter((row) => row.status !== 'skipped');
		expect(calls).toHaveLength(CALLS);
		expect(new Set(calls.map((row) => row.referenceId)).size).toBe(CALLS);
		for (const row of calls) {
			const call = sim.getCall(String(row.referenceId));
			expect([row.phone, row.status, row.keyPressed, row.durationSeconds, row.price, row.resultSource]).toEqual([
				call?.phone,
				...Object.values(expectedStatus(String(row.phone))),
				null,
				'sweep',
			]);
		}
		// The record workflow never ran: no callback reached n8n.
		expect(await executionIds(ids.record)).toEqual([]);
	});

	test('a callback re-sent because its answer was lost, and one reaching n8n after the sweep recorded it, are each recorded once', async () => {
		const run = await place('e2e-repeat', ['0913000002', '0913000010']);
		expect(outcome(run)).toEqual({ status: 'success' });
		const [repeated, late] = nodeOutput(run, 'Call (calling hours, Do-Not-Call)').map((item) => String(item.referenceId));
		network.modes.set(repeated, 'loseFirstAnswer');
		network.modes.set(late, 'hold');
		await sim.waitForIdle(CALL_DELAY_MS + 30_000);

		// The repeat: n8n got it twice (the first answer lost), recorded it once.
		expect(network.forwarded.get(repeated)).toEqual([200, 200]);
		const records = await poll(async () => ((await executionIds(ids.record)).length >= 1 ? executionIds(ids.record) : undefined), {
			timeoutMs: 20_000,
			what: 'the record execution',
		});
		expect(records).toHaveLength(1);
		const record = await execution(records[0]);
		expect(nodeOutput(record, 'Record result once')).toEqual([expect.objectContaining({ referenceId: repeated, status: 'answered', keyPressed: '2', price: 500, resultSource: 'callback' })]);

		// The late one: every attempt failed, so the sweep finds it first.
		expect(network.seen.get(late)).toBe(6);
		const sweep = await runSchedule('sweep');
		expect(nodeOutput(sweep, 'Record result once')).toEqual([expect.objectContaining({ referenceId: late, status: 'noAnswer', resultSource: 'sweep' })]);
		const before = await rowOf(late);
		expect(await network.releaseHeld(late)).toBe(200);
		const [lateRecordId] = await poll(
			async () => {
				const fresh = (await client.listExecutions(ids.record)).filter((e) => !records.includes(e.id) && e.stoppedAt);
				return fresh.length > 0 ? fresh.map((e) => e.id) : undefined;
			},
			{ timeoutMs: 20_000, what: 'the late record execution' },
		);
		const lateRecord = await execution(lateRecordId);
		expect(outcome(lateRecord)).toEqual({ status: 'success' });
		expect(nodeOutput(lateRecord, 'eSMS Voice Trigger')).toEqual([expect.objectContaining({ referenceId: late, callStatus: 'noAnswer' })]);
		expect(lateRecord.data?.resultData.runData['Record result once']?.[0].data?.main?.[0] ?? []).toEqual([]);
		expect(await rowOf(late)).toEqual(before);
		expect(await rowOf(repeated)).toMatchObject({ status: 'answered', keyPressed: '2', price: 500, resultSource: 'callback' });
	});

	test("the report's counts equal what the simulator says it sent", async () => {
		const summary: SimulatorSummary = sim.summary();
		expect(summary).toMatchObject({ placed: CALLS + 2, pending: 0, final: CALLS + 2, callbacks: { delivered: 1, neverDelivered: CALLS + 1, sending: 0, noCallbackUrl: 0 } });
		const ledger = await rows();
		expect(ledger.filter((row) => row.status === 'placed')).toEqual([]);

		const report = await runSchedule('report');
		expect(outcome(report)).toEqual({ status: 'success' });
		const keys = Object.keys(summary.keys).sort().map((key) => `key ${key}: ${summary.keys[key]}`).join(', ');
		expect(chat.messages).toEqual([
			{
				text:
					`eSMS call ledger: ${summary.placed + 1} calls\n` +
					`answered ${summary.answered} (${keys}), not answered ${summary.noAnswer}, failed ${summary.failed}\n` +
					'still waiting for a result 0, skipped 1\n' +
					`total price ${summary.deliveredPrice.toLocaleString('en-US')} VND, from the ${summary.callbacks.delivered} results that carried a price ` +
					'(results found by the sweep carry none)',
			},
		]);
		// The numbers themselves, so a wrong summary cannot pass unnoticed: 202 calls, last digits spread evenly.
		expect([summary.answered, summary.noAnswer, summary.failed, summary.keys, summary.deliveredPrice]).toEqual([161, 21, 20, { '1': 140, '2': 21 }, 500]);
	});
});
