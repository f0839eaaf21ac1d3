/**
 * The one-import campaign (examples/campaign-from-spreadsheet.json) in a real n8n 2.41.1:
 * - placement: a 1,000-row XLSX uploaded through its form, the simulator limited to R requests/s;
 *   wall time from the upload to the last accepted call, as a ratio to N/R — the ledger rows, the
 *   24-hour and do-not-call checks and the per-row claim included;
 * - the status page over a 10,000-row ledger: its answer time as a ratio to the Data table node's
 *   own read of the same rows (a webhook workflow that only reads them), both measured in this run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { EsmsSimulator, DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';
import { DataTables } from '../e2e/lib/campaign';
import { submitForm, XLSX_TYPE, xlsxFile } from '../e2e/lib/campaign-form';
import { exampleNode, loadExample } from '../e2e/lib/examples';
import { startInstance } from '../e2e/lib/shared';
import { poll } from '../e2e/lib/util';
import { CREDENTIAL_TYPE } from '../e2e/lib/workflows';
import type { Row } from './engine-bench';

const MAKE_CALL = 'MakeCallRecord_V2';
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const progress = (line: string): void => console.log(`[bench] spreadsheet campaign: ${line}`);

async function median(times: number, run: () => Promise<number>): Promise<number> {
	const values: number[] = [];
	for (let i = 0; i < times; i++) values.push(await run());
	return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function timedGet(url: string): Promise<number> {
	const t0 = performance.now();
	const response = await fetch(url);
	await response.arrayBuffer();
	if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
	return performance.now() - t0;
}

export async function benchSpreadsheetCampaign(calls = 1000, perSecond = 20, ledgerRows = 10_000): Promise<Row[]> {
	// Results only after every call is placed: placement is what is measured.
	const sim = new EsmsSimulator({ rateLimitPerSecond: perSecond, callDelayMs: 600_000 });
	await sim.start();
	const { handle, client } = await startInstance({ line: '2' });
	try {
		const credential = await client.createCredential('eSMS sim (bench)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY,
			secretKey: DEFAULT_SECRET_KEY,
			useCustomBaseUrls: true,
			voiceBaseUrl: sim.voiceBaseUrl,
			restBaseUrl: sim.restBaseUrl,
		});
		const workflow = loadExample('campaign-from-spreadsheet.json', credential, handle.baseUrl);
		// The bench runs at any hour: the calling window is the whole day.
		for (const name of ['Call', 'Call with template']) {
			Object.assign(exampleNode(workflow, name).parameters as object, { callingHoursStart: '00:00', callingHoursEnd: '24:00', callingDays: DAYS });
		}
		// The account's limit, known and set in Settings (as its docs ask), rather than learnt from 160s.
		const settings = exampleNode(workflow, 'Settings').parameters as { jsonOutput: string };
		settings.jsonOutput = JSON.stringify({ ...JSON.parse(settings.jsonOutput), callsPerSecond: perSecond });
		const { id } = await client.createWorkflow(workflow);
		await client.activateWorkflow(id);
		const formUrl = `${handle.baseUrl}/form/esms-campaign`;
		await poll(async () => ((await fetch(formUrl)).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'the form' });

		progress(`uploading ${calls} rows (numeric phone cells), simulator limited to ${perSecond} requests/s…`);
		const file = xlsxFile(['Phone', 'Name'], Array.from({ length: calls }, (_, i) => [913000000 + i, `Khach ${i}`]));
		const t0 = Date.now();
		const form = await submitForm(formUrl, ['bench', { name: 'bench.xlsx', type: XLSX_TYPE, content: file }, 'Phone', '1001', '', '', 'Advertising (one call per number per 24 hours)']);
		const endingAfter = (Date.now() - t0) / 1000;
		const accepted = () => sim.requestsTo(MAKE_CALL).filter((r) => r.code === '100');
		let lastReport = Date.now();
		await poll(
			async () => {
				if (Date.now() - lastReport > 10_000) {
					lastReport = Date.now();
					progress(`${accepted().length} of ${calls} placed after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
				}
				return accepted().length >= calls ? true : undefined;
			},
			{ timeoutMs: Math.max(120_000, (calls / perSecond) * 3000), intervalMs: 250, what: `${calls} calls placed` },
		);
		const placedAt = accepted().at(-1)!.time;
		const phones = accepted().map((r) => r.query.Phone);
		const wall = (placedAt - t0) / 1000;
		const ideal = calls / perSecond;
		const rows: Row[] = [
			{
				section: 'placement',
				rows: calls,
				'limit (requests/s)': perSecond,
				'ending page after (s)': endingAfter.toFixed(1),
				'all placed after (s)': wall.toFixed(1),
				'N/R (s)': ideal.toFixed(1),
				ratio: (wall / ideal).toFixed(3),
				'answered 160': sim.requestsTo(MAKE_CALL).filter((r) => r.code === '160').length,
				'placed twice': phones.length - new Set(phones).size,
			},
		];
		// Where the time goes: the form execution's nodes, slowest first (n8n's own timings).
		await poll(async () => (['success', 'error', 'crashed'].includes((await client.getExecution(form.executionId, false)).status) ? true : undefined), {
			timeoutMs: 60_000,
			what: 'the form execution to finish',
		});
		const execution = await client.getExecution(form.executionId, true);
		const runData = (execution.data?.resultData.runData ?? {}) as Record<string, Array<{ executionTime?: number }>>;
		const byNode = Object.entries(runData)
			.map(([name, runs]) => [name, runs.reduce((sum, run) => sum + (run.executionTime ?? 0), 0), runs.length] as const)
			.sort((a, b) => b[1] - a[1]);
		for (const [name, ms, runs] of byNode.slice(0, 6)) rows.push({ section: `  ${name}`, 'time (s)': (ms / 1000).toFixed(1), runs });

		progress(`filling the ledger to ${ledgerRows} rows…`);
		const tables = await DataTables.connect(client);
		const ledgerId = (await tables.idOf('esms_campaign_calls'))!;
		const now = new Date().toISOString();
		const filler = Array.from({ length: Math.max(0, ledgerRows - calls) }, (_, i) => ({
			campaign: `old-${i % 20}`,
			row: i + 2,
			phone: `09140${String(i).padStart(5, '0')}`,
			status: ['answered', 'noAnswer', 'failed', 'skipped', 'bad'][i % 5],
			reason: '',
			recordingId: '1001',
			requestId: '',
			referenceId: randomUUID(),
			keyPressed: i % 5 === 0 ? '1' : '',
			durationSeconds: 13,
			price: 500,
			queuedAt: now,
			dueAt: now,
			placedAt: now,
			resultAt: now,
			resultSource: 'callback',
		}));
		await tables.insert(ledgerId, filler);
		// The Data table node's own read of the same rows, in a workflow that does nothing else.
		const readPath = `bench-read-${randomUUID().slice(0, 8)}`;
		const reader = await client.createWorkflow({
			name: 'bench: read the ledger',
			nodes: [
				{ id: randomUUID(), name: 'Read', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path: readPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } },
				{ id: randomUUID(), name: 'All rows', type: 'n8n-nodes-base.dataTable', typeVersion: 1, position: [200, 0], parameters: { resource: 'row', operation: 'get', dataTableId: { __rl: true, mode: 'id', value: ledgerId }, matchType: 'allConditions', filters: { conditions: [] }, returnAll: true } },
				{ id: randomUUID(), name: 'Count', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, 0], parameters: { jsCode: 'return [{ json: { rows: $input.all().length } }];' } },
			],
			connections: { Read: { main: [[{ node: 'All rows', type: 'main', index: 0 }]] }, 'All rows': { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		await client.activateWorkflow(reader.id);
		const readUrl = `${handle.baseUrl}/webhook/${readPath}`;
		const statusUrl = `${handle.baseUrl}/webhook/esms-campaign-status`;
		await poll(async () => ((await fetch(readUrl)).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'the read workflow' });
		progress('timing the status page and the plain read (median of 5 each, alternating)…');
		const readMs = await median(5, () => timedGet(readUrl));
		const pageMs = await median(5, () => timedGet(statusUrl));
		const total = (await tables.rows(ledgerId)).length;
		rows.push({
			section: 'status page',
			rows: total,
			'status page (ms)': pageMs.toFixed(0),
			'Data table node read (ms)': readMs.toFixed(0),
			ratio: (pageMs / readMs).toFixed(2),
		});
		return rows;
	} finally {
		await handle.stop();
		await sim.stop();
	}
}
