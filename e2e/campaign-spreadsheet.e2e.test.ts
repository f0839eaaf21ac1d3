// The one-import campaign (examples/campaign-from-spreadsheet.json) in a real n8n of its own, as a
// builder uses it: an opt-out file and the customer list (an XLSX with numeric phone cells, made by
// a spreadsheet library) uploaded through the n8n Form's real HTTP endpoint; the ledger written
// before any call; calls placed once; results by callback, and, after n8n was down while every
// callback and its re-sends failed, by the sweep; key 9 opts out; the status page counts what the
// simulator did; the same file again within 24 hours calls nobody; a campaign stopped while it
// waits for calling hours rings nobody.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { EsmsSimulator, DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';
import { DataTables, DO_NOT_CALL_COLUMNS, LEDGER_COLUMNS, type Row } from './lib/campaign';
import { pageText, renderedStatusSection, statusSection, submitForm, XLSX_TYPE, xlsxFile } from './lib/campaign-form';
import { callingWindow, callsMatchingLedger, PublishedCampaign, stopCampaign } from './lib/campaign-workflow';
import { exampleNode, loadExample } from './lib/examples';
import { N8nClient, type WorkflowJson } from './lib/n8n-client';
import { startN8n, type N8nHandle } from './lib/n8n-process';
import { E2E_OWNER, packageDir } from './lib/shared';
import { poll } from './lib/util';
import { CREDENTIAL_TYPE } from './lib/workflows';

const FILE = 'campaign-from-spreadsheet.json';
const MAKE_CALL = 'MakeCallRecord_V2';
const MAKE_TEMPLATE_CALL = 'MakeCallTemplate_V2';
const LEDGER = 'esms_campaign_calls';
const DO_NOT_CALL = 'esms_do_not_call';
const PURPOSE = {
	advertising: 'Advertising (one call per number per 24 hours)',
	optOuts: 'Opt-out list (never call these numbers)',
};
const FINAL = ['answered', 'noAnswer', 'failed', 'skipped', 'bad', 'stopped'];

/** 0912 000 001 … as the national form; the simulator's outcome follows the last digit (0 no answer, 2 key 2, 9 failed, else key 1). */
const national = (i: number): string => `0912${String(i).padStart(6, '0')}`;
/** How a spreadsheet holds it: most as numbers without the 0, some as text in other spellings. */
function asInSpreadsheet(phone: string, i: number): string | number {
	if (i % 5 === 1) return phone; // text with the 0
	if (i % 5 === 2) return `+84 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
	return Number(phone.slice(1)); // a numeric cell: 912000001
}

const CALLABLE = 480;
const PHONES = Array.from({ length: CALLABLE }, (_, i) => national(i + 1));
const NOT_PHONES: Array<string | number> = [12345678, 'abc', '0123456789', 9123456789, '+1 555 123 4567', 612345678, '091234567', 'n/a', 87654321, '0412345678'];
/** Numbers an earlier campaign called minutes ago (so the 24-hour rule skips them). */
const EARLIER = PHONES.slice(0, 20);
/** On the opt-out file uploaded first. */
const OPTED_OUT_BEFORE = PHONES[100];
/** These listeners press 9 (the workflow's opt-out key). */
const PRESS_9_EARLIER = EARLIER.slice(0, 2);
const PRESS_9 = PHONES.slice(200, 203);

describe('the one-import campaign from a spreadsheet (real n8n)', () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-spreadsheet-'));
	const outcomes = Object.fromEntries([...PRESS_9_EARLIER, ...PRESS_9].map((phone) => [phone, { callStatus: 'ANSWERED' as const, ivr: '9', duration: 7 }]));
	const sim = new EsmsSimulator({ outcomeByLastDigit: true, callDelayMs: 25_000, outcomes, callbackRetryDelayMs: 200 });
	let handle: N8nHandle | undefined;
	let client: N8nClient;
	let tables: DataTables;
	let workflow: WorkflowJson;
	let published: PublishedCampaign;
	const tableIds = { ledger: '', doNotCall: '' };

	async function start(port?: number, brokerPort?: number, extraEnv: Record<string, string> = {}): Promise<void> {
		// n8n 1.x opens SQLite on one connection by default, and executions writing Data tables at the
		// same moment then break each other's transactions ("SQLITE_ERROR: no such savepoint"): the
		// docs tell 1.x users to set what 2.x does by default.
		const env: Record<string, string> = { ...(process.env.ESMS_E2E_N8N === '1' ? { DB_SQLITE_POOL_SIZE: '3' } : {}), ...extraEnv };
		handle = await startN8n({ packageDir: packageDir(), userFolder, port, brokerPort, env, logFile: path.join(userFolder, `n8n-${Date.now()}.log`) });
		const next = new N8nClient(handle.baseUrl);
		next.n8nVersion = handle.n8nVersion;
		next.apiKey = client?.apiKey;
		client = next;
	}

	/** n8n started again on the same user folder, port and broker port (after `stop`), signed in, serving the form. */
	async function startAgain(port: number, brokerPort: number, extraEnv: Record<string, string> = {}): Promise<void> {
		await start(port, brokerPort, extraEnv);
		await client.login(E2E_OWNER.email, E2E_OWNER.password);
		tables = await DataTables.connect(client);
		await published.served();
	}

	const formUrl = (): string => `${handle!.baseUrl}/form/esms-campaign`;
	const statusUrl = (): string => `${handle!.baseUrl}/webhook/esms-campaign-status`;

	async function upload(campaign: string, file: Buffer | string, purpose = PURPOSE.advertising, name = 'customers.xlsx'): Promise<string> {
		const type = name.endsWith('.csv') ? 'text/csv' : XLSX_TYPE;
		const { endingPage } = await submitForm(formUrl(), [campaign, { name, type, content: file }, 'Phone', '1001', '', '', purpose]);
		return pageText(endingPage);
	}

	async function rows(which: 'ledger' | 'doNotCall'): Promise<Row[]> {
		if (!tableIds[which]) tableIds[which] = (await tables.idOf(which === 'ledger' ? LEDGER : DO_NOT_CALL)) ?? '';
		return await tables.rows(tableIds[which]);
	}
	const campaignRows = async (campaign: string): Promise<Row[]> => (await rows('ledger')).filter((r) => r.campaign === campaign);

	/** Waits until every row of the campaign has its final state (no call queued, being placed or waiting for its result). */
	async function resultsOf(campaign: string, timeoutMs = 90_000): Promise<Row[]> {
		return await poll(
			async () => {
				const list = await campaignRows(campaign);
				return list.length > 0 && list.every((r) => FINAL.includes(String(r.status))) ? list : undefined;
			},
			{ timeoutMs, intervalMs: 500, what: `the results of campaign ${campaign}` },
		);
	}

	beforeAll(async () => {
		await sim.start();
		await start();
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('spreadsheet');
		tables = await DataTables.connect(client);
		const credential = await client.createCredential('eSMS sim (spreadsheet)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY,
			secretKey: DEFAULT_SECRET_KEY,
			useCustomBaseUrls: true,
			voiceBaseUrl: sim.voiceBaseUrl,
			restBaseUrl: sim.restBaseUrl,
		});
		workflow = loadExample(FILE, credential, handle!.baseUrl);
		published = new PublishedCampaign(() => client, workflow, formUrl);
		// Sweep at once rather than 10 minutes after a call was due.
		const sweepFilters = (exampleNode(workflow, 'Rows still placed').parameters as { filters: { conditions: Array<{ keyValue: string }> } }).filters;
		expect(sweepFilters.conditions[1].keyValue).toBe('={{ $now.minus({ minutes: 10 }).toISO() }}');
		sweepFilters.conditions[1].keyValue = '={{ $now.toISO() }}';
		callingWindow(true)(workflow);
		if (handle!.n8nVersion.startsWith('1.')) {
			// n8n 1.x has no table operations: the documented path is two tables made by hand, their IDs
			// in Settings, and the two Create nodes deactivated.
			tableIds.ledger = await tables.create(LEDGER, LEDGER_COLUMNS);
			tableIds.doNotCall = await tables.create(DO_NOT_CALL, DO_NOT_CALL_COLUMNS);
			const settings = exampleNode(workflow, 'Settings').parameters as { jsonOutput: string };
			settings.jsonOutput = JSON.stringify({ ...JSON.parse(settings.jsonOutput), ledgerTableId: tableIds.ledger, doNotCallTableId: tableIds.doNotCall });
			for (const name of ['Ledger table', 'Do-not-call table']) exampleNode(workflow, name).disabled = true;
		}
		await published.publish();
	}, 180_000);

	afterAll(async () => {
		await handle?.stop();
		await sim.stop();
		if (process.env.ESMS_E2E_KEEP !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('an opt-out file (CSV) and an earlier campaign: the opt-out is listed, the earlier calls placed, and key 9 opts out', async () => {
		const optOutPage = await upload('opt-outs', `Phone,Name\n${OPTED_OUT_BEFORE},Khach\nnot a number,X\n`, PURPOSE.optOuts, 'opt-outs.csv');
		expect(optOutPage).toContain('1 numbers will never be called by a campaign (1 rows were not phone numbers)');
		const earlier = xlsxFile(['Phone', 'Name'], EARLIER.map((phone, i) => [Number(phone.slice(1)), `Khach ${i}`]));
		expect(await upload('earlier', earlier)).toContain('20 rows read: 20 to call');
		await published.settled();
		await resultsOf('earlier');
		const earlierRows = await campaignRows('earlier');
		expect(earlierRows.map((r) => r.status).sort()).toEqual(EARLIER.map((phone) => expectedStatus(phone)).sort());
		const dnc = (await rows('doNotCall')).map((r) => [r.phone, String(r.source).replace(/ \S+\.csv$/, ' <file>')]).sort();
		expect(dnc).toEqual([[OPTED_OUT_BEFORE, 'file <file>'], ...PRESS_9_EARLIER.map((phone) => [phone, 'key 9 in campaign earlier'])].sort());
	}, 240_000);

	test('500 rows of an XLSX with numeric phone cells, n8n down while the results come: every row ends as the simulator says, nobody called twice', async () => {
		const page = await upload('tet', mainList());
		expect(page).toContain('Campaign tet');
		expect(page).toContain(
			'500 rows read: 459 to call, 21 skipped (3 on the do-not-call list, 18 called within 24 hours), 20 rejected (10 not a Vietnamese phone number, 10 same number as row …).',
		);
		expect(page).toContain('Watch it on the status page');
		// Every call handed to eSMS; then n8n goes down before the last results come.
		await poll(async () => ((await campaignRows('tet')).every((r) => !['queued', 'placing', 'pending'].includes(String(r.status))) ? true : undefined), {
			timeoutMs: 120_000,
			what: 'every call of the campaign placed',
		});
		const { port, brokerPort } = handle!;
		await handle!.stop();
		await poll(async () => (sim.summary().pending === 0 && sim.summary().callbacks.sending === 0 ? true : undefined), {
			timeoutMs: 120_000,
			what: 'every call final and every callback attempt made',
		});
		const lost = sim.summary().callbacks.neverDelivered;
		expect(lost).toBeGreaterThan(0);
		await startAgain(port, brokerPort);
		await published.runScheduleOnce();

		const ledger = await resultsOf('tet');
		expect(ledger).toHaveLength(500);
		const tetCalls = callsMatchingLedger(sim, ledger);
		expect(tetCalls).toHaveLength(459);
		expect(ledger.filter((r) => r.status === 'bad').map((r) => r.reason).sort()).toEqual(
			[...Array(10).fill('not a Vietnamese phone number'), ...Array.from({ length: 10 }, (_, i) => `same number as row ${rowOf(PHONES[300 + i])}`)].sort(),
		);
		const skipped = ledger.filter((r) => r.status === 'skipped');
		expect(skipped.filter((r) => r.reason === 'on the do-not-call list').map((r) => r.phone).sort()).toEqual([OPTED_OUT_BEFORE, ...PRESS_9_EARLIER].sort());
		expect(skipped.filter((r) => String(r.reason).startsWith('called within 24 hours: may be called again from ')).map((r) => r.phone).sort()).toEqual(
			EARLIER.filter((phone) => !PRESS_9_EARLIER.includes(phone)).sort(),
		);
		// Key 9 during this campaign (results found by the sweep): on the do-not-call list.
		const dnc = await rows('doNotCall');
		expect(PRESS_9.map((phone) => dnc.find((r) => r.phone === phone)?.source)).toEqual(PRESS_9.map(() => 'key 9 in campaign tet'));

		// The status page's numbers are the simulator's.
		const section = statusSection(await (await fetch(statusUrl())).text(), 'tet');
		const answered = tetCalls.filter((c) => c.outcome.callStatus === 'ANSWERED');
		const keys = Object.entries(answered.reduce<Record<string, number>>((m, c) => ({ ...m, [c.outcome.ivr || 'none']: (m[c.outcome.ivr || 'none'] ?? 0) + 1 }), {}))
			.map(([k, n]) => `key ${k}: ${n}`);
		expect(section['Rows in the file']).toBe('500');
		expect(section.Placed).toBe('459');
		expect(section.Answered).toBe(`${answered.length} (${keys.join(', ')})`);
		expect(section['Not answered']).toBe(String(tetCalls.filter((c) => c.outcome.callStatus === 'NO ANSWER').length));
		expect(section.Failed).toBe(String(tetCalls.filter((c) => c.outcome.callStatus === '').length));
		expect(section['Waiting for a result']).toBe('0');
		expect(section['Not called yet']).toBe('0');
		expect(section['Skipped: do-not-call']).toBe('3');
		expect(section['Skipped: called within 24 h']).toBe('18');
		expect(section['Bad numbers']).toBe('20');
		expect(section['Opt-outs']).toBe('3');
		const deliveredPrice = tetCalls.filter((c) => sim.callbacks.some((a) => a.referenceId === c.referenceId && a.status === 200)).reduce((sum, c) => sum + c.outcome.price, 0);
		expect(section['Cost so far']).toBe(String(deliveredPrice));
		// The same page as a browser renders it (n8n serves it sandboxed): the same numbers, the bar drawn.
		const rendered = await renderedStatusSection(statusUrl(), 'tet');
		expect(rendered.rows).toEqual(section);
		expect(rendered.barParts).toBeGreaterThanOrEqual(4);
	}, 420_000);

	test('a full ledger (the Data table size cap reached): nobody is called, the execution says why', async () => {
		const { port, brokerPort } = handle!;
		await handle!.stop();
		await startAgain(port, brokerPort, { N8N_DATA_TABLES_MAX_SIZE_BYTES: '1' });
		try {
			const before = sim.requestsTo(MAKE_CALL).length;
			const rowsBefore = (await rows('ledger')).length;
			const known = (await client.listExecutions(published.workflowId())).map((e) => e.id);
			await expect(upload('full', xlsxFile(['Phone'], [[912000777], [912000778]]))).rejects.toThrow('the form execution ended "error" before its ending page');
			const [failed] = (await published.settled()).filter((e) => !known.includes(e.id));
			const run = await client.getExecution(failed.id, true);
			expect(run.data?.resultData.lastNodeExecuted).toMatch(/^Write ledger rows/);
			expect(run.data?.resultData.error?.message).toMatch(/size limit/i);
			expect(sim.requestsTo(MAKE_CALL).length).toBe(before);
			expect((await rows('ledger')).length).toBe(rowsBefore);
		} finally {
			await handle!.stop();
			await startAgain(port, brokerPort);
		}
	}, 180_000);

	test('the same file again within 24 hours calls nobody; the opt-outs are skipped by a later campaign; not advertising turns the 24-hour rule off', async () => {
		const before = sim.requestsTo(MAKE_CALL).length;
		const again = await upload('tet-again', mainList());
		expect(again).toContain('500 rows read: 0 to call, 480 skipped (6 on the do-not-call list, 474 called within 24 hours), 20 rejected');
		await resultsOf('tet-again');
		expect(sim.requestsTo(MAKE_CALL).length).toBe(before);

		const fresh = [national(900001), national(900002)];
		const later = xlsxFile(['Phone'], [...PRESS_9, EARLIER[5], ...fresh].map((phone) => [Number(phone.slice(1))]));
		const page = await submitForm(formUrl(), ['reminders', { name: 'later.xlsx', type: XLSX_TYPE, content: later }, '', '1001', '', '', 'Not advertising (order confirmation, existing debt)']);
		expect(pageText(page.endingPage)).toContain('6 rows read: 3 to call, 3 skipped (3 on the do-not-call list), 0 rejected.');
		await resultsOf('reminders');
		expect(sim.requestsTo(MAKE_CALL).slice(before).map((r) => r.query.Phone).sort()).toEqual([EARLIER[5], ...fresh].sort());
	}, 240_000);

	test('text to speech: a template with its variables from two columns; queued rows of both kinds placed in one run, each by its own endpoint', async () => {
		const before = { record: sim.requestsTo(MAKE_CALL).length, template: sim.requestsTo(MAKE_TEMPLATE_CALL).length };
		const tts = [national(960001), national(960002), national(960003)];
		const csv = `Phone,Name,Amount\n${tts[0]},Nguyễn Văn An,150000\n${tts[1]},Trần Thị Bình,20000\n${national(960004)},Lê Văn Cường,\n${tts[2]},Phạm Thu Dung,1000\n`;
		const page = await submitForm(formUrl(), ['nhac-no', { name: 'cong-no.csv', type: 'text/csv', content: csv }, '', '', '2001', 'name, AMOUNT', 'Not advertising (order confirmation, existing debt)']);
		expect(pageText(page.endingPage)).toContain('4 rows read: 3 to call, 0 skipped, 1 rejected (1 no value in column "AMOUNT").');
		const ledger = await resultsOf('nhac-no');
		const sent = sim.requestsTo(MAKE_TEMPLATE_CALL).slice(before.template);
		expect(sent.map((r) => [r.query.Phone, r.query.TemplateId, r.query.VariableListStr]).sort()).toEqual([
			[tts[0], '2001', 'Nguyễn Văn An||150000'],
			[tts[1], '2001', 'Trần Thị Bình||20000'],
			[tts[2], '2001', 'Phạm Thu Dung||1000'],
		]);
		expect(sim.requestsTo(MAKE_CALL).length).toBe(before.record);
		expect(ledger.map((r) => [r.row, r.phone, r.status, r.templateId, r.variables, r.reason]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
			[2, tts[0], expectedStatus(tts[0]), '2001', '["Nguyễn Văn An","150000"]', ''],
			[3, tts[1], expectedStatus(tts[1]), '2001', '["Trần Thị Bình","20000"]', ''],
			[4, national(960004), 'bad', '2001', '[]', 'no value in column "AMOUNT"'],
			[5, tts[2], expectedStatus(tts[2]), '2001', '["Phạm Thu Dung","1000"]', ''],
		]);

		// A recording and a template in one form: every row rejected, nobody called.
		const both = await submitForm(formUrl(), ['both', { name: 'both.csv', type: 'text/csv', content: `Phone\n${national(960005)}\n` }, '', '1001', '2001', '', 'Not advertising (order confirmation, existing debt)']);
		expect(pageText(both.endingPage)).toContain('1 rows read: 0 to call, 0 skipped, 1 rejected (1 both a recording ID and a template ID in the form).');

		// Rows of both kinds waiting in the ledger, interleaved (as two campaigns queued for the
		// morning leave them): the schedule places each by its own endpoint, once.
		const due = new Date(Date.now() - 60_000).toISOString();
		const waiting = [national(970001), national(970002), national(970003), national(970004)];
		const ledgerId = tableIds.ledger || ((await tables.idOf(LEDGER)) ?? '');
		await tables.insert(ledgerId, waiting.map((phone, i) => ({
			campaign: 'morning', row: i + 2, phone, status: 'queued', reason: '', requestId: `c-morning-${phone}`, queuedAt: due, dueAt: due,
			...(i % 2 === 0 ? { recordingId: '1002' } : { recordingId: '', templateId: '2002', variables: JSON.stringify([`Khách ${i}`]) }),
		})));
		await published.runScheduleOnce();
		const morning = await resultsOf('morning');
		expect(sim.requestsTo(MAKE_CALL).slice(before.record).map((r) => [r.query.Phone, r.query.TemplateId, r.query.RequestId])).toEqual(
			[waiting[0], waiting[2]].map((phone) => [phone, '1002', `c-morning-${phone}`]),
		);
		expect(sim.requestsTo(MAKE_TEMPLATE_CALL).slice(before.template + 3).map((r) => [r.query.Phone, r.query.TemplateId, r.query.VariableListStr])).toEqual([
			[waiting[1], '2002', 'Khách 1'],
			[waiting[3], '2002', 'Khách 3'],
		]);
		expect(morning.map((r) => [r.phone, r.status]).sort()).toEqual(waiting.map((phone) => [phone, expectedStatus(phone)]));
	}, 240_000);

	test('a campaign uploaded outside calling hours waits in the ledger; stopped before the window opens, it rings nobody', async () => {
		await published.edit(callingWindow(false));
		const night = [national(950001), national(950002), national(950003)];
		const before = sim.requestsTo(MAKE_CALL).length;
		expect(await upload('night', xlsxFile(['Phone'], night.map((phone) => [Number(phone.slice(1))])))).toContain('3 rows read: 3 to call');
		const waiting = await poll(async () => {
			const list = await campaignRows('night');
			return list.length === 3 && list.every((r) => r.status === 'queued' && new Date(String(r.dueAt)).getTime() > Date.now()) ? list : undefined;
		}, { timeoutMs: 60_000, what: 'the night rows queued for the next opening' });
		expect(waiting).toHaveLength(3);
		expect((await stopCampaign(`${handle!.baseUrl}/webhook/esms-campaign-stop`, 'night')).Stopped).toBe('3');
		// The window opens: the schedule finds nothing to call.
		await published.edit(callingWindow(true));
		await published.runScheduleOnce();
		expect(sim.requestsTo(MAKE_CALL).length).toBe(before);
		expect((await campaignRows('night')).map((r) => [r.status, String(r.reason).replace(/\d{4}-\d\d-\d\d \d\d:\d\d/, '<time>')])).toEqual(
			night.map(() => ['stopped', 'stopped at <time> (Vietnam time)']),
		);
	}, 240_000);
});

function expectedStatus(phone: string): string {
	if (phone.endsWith('0')) return 'noAnswer';
	if (phone.endsWith('9')) return 'failed';
	return 'answered';
}

/** The spreadsheet row (header = row 1) of a callable number in mainList(). */
function rowOf(phone: string): number {
	const index = PHONES.indexOf(phone);
	const notPhonesBefore = NOT_PHONES.filter((_, i) => 50 + i * 40 <= index + i).length;
	return index + notPhonesBefore + 2;
}

/** 500 rows: the 480 callable numbers in mixed forms, 10 that are no phone, 10 repeats; numeric cells. */
function mainList(): Buffer {
	const rows: unknown[][] = PHONES.map((phone, i) => [asInSpreadsheet(phone, i), `Khach ${i}`, randomUUID().slice(0, 4)]);
	NOT_PHONES.forEach((value, i) => rows.splice(50 + i * 40, 0, [value, `Sai ${i}`, '']));
	for (let i = 0; i < 10; i++) rows.push([Number(PHONES[300 + i].slice(1)), `Lap ${i}`, '']);
	return xlsxFile(['Phone', 'Name', 'Code'], rows);
}
