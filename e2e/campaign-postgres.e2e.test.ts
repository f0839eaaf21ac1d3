// The one-import campaign with its ledger and do-not-call list in PostgreSQL
// (examples/campaign-from-spreadsheet-postgres.json, through n8n's own Postgres node), in a real
// n8n of its own on this machine's PostgreSQL: the tables created by the workflow; an opt-out file
// and an earlier campaign; an XLSX with numeric phone cells, repeats and non-phones; n8n down while
// the results come, then the sweep; the status page against the simulator; the 24-hour rule and
// the opt-outs on a second upload; the result statement winning once of two at the same moment;
// a ledger that refuses writes calls nobody; a stopped night campaign rings nobody.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { EsmsSimulator, DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';
import { pageText, statusSection, submitForm, XLSX_TYPE, xlsxFile } from './lib/campaign-form';
import { callingWindow, callsMatchingLedger, PublishedCampaign, stopCampaign } from './lib/campaign-workflow';
import { exampleNode, loadExample } from './lib/examples';
import { N8nClient, type WorkflowJson } from './lib/n8n-client';
import { startN8n, type N8nHandle } from './lib/n8n-process';
import { createDatabase, dropDatabase, missingServices, POSTGRES, queryDatabase } from './lib/queue-services';
import { E2E_OWNER, packageDir } from './lib/shared';
import { poll } from './lib/util';
import { CREDENTIAL_TYPE } from './lib/workflows';

const FILE = 'campaign-from-spreadsheet-postgres.json';
const MAKE_CALL = 'MakeCallRecord_V2';
const FINAL = ['answered', 'noAnswer', 'failed', 'skipped', 'bad', 'stopped'];
const ADVERTISING = 'Advertising (one call per number per 24 hours)';
type LedgerRow = Record<string, unknown> & { id: number; campaign: string; phone: string; status: string; reason: string };

const national = (i: number): string => `0913${String(i).padStart(6, '0')}`;
const CALLABLE = Array.from({ length: 100 }, (_, i) => national(i + 1));
const EARLIER = CALLABLE.slice(0, 10);
const OPTED_OUT_BEFORE = CALLABLE[50];
const PRESS_9 = [CALLABLE[60], CALLABLE[61]];

function expectedStatus(phone: string): string {
	if (phone.endsWith('0')) return 'noAnswer';
	if (phone.endsWith('9')) return 'failed';
	return 'answered';
}

/** 110 rows: the callable numbers (most as numeric cells), 5 non-phones, 5 repeats. */
function customerList(): Buffer {
	const rows: unknown[][] = CALLABLE.map((phone, i) => [i % 4 === 1 ? phone : Number(phone.slice(1)), `Khach ${i}`]);
	['abc', 12345678, '0123456789', 'n/a', 87654321].forEach((value, i) => rows.splice(20 + i * 15, 0, [value, `Sai ${i}`]));
	for (let i = 0; i < 5; i++) rows.push([Number(CALLABLE[70 + i].slice(1)), `Lap ${i}`]);
	return xlsxFile(['Phone', 'Name'], rows);
}

const pgUp = !missingServices().includes('PostgreSQL');
if (!pgUp && process.env.CI === 'true') throw new Error(`PostgreSQL does not answer on ${POSTGRES.host}:${POSTGRES.port}`);

(pgUp ? describe : describe.skip)('the one-import campaign with a PostgreSQL ledger (real n8n, real PostgreSQL)', () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-campaign-pg-'));
	const outcomes = Object.fromEntries([EARLIER[0], ...PRESS_9].map((phone) => [phone, { callStatus: 'ANSWERED' as const, ivr: '9', duration: 6 }]));
	const sim = new EsmsSimulator({ outcomeByLastDigit: true, callDelayMs: 20_000, outcomes, callbackRetryDelayMs: 200 });
	let handle: N8nHandle | undefined;
	let client: N8nClient;
	let database = '';
	let workflow: WorkflowJson;
	let published: PublishedCampaign;

	const sql = async <T = LedgerRow>(text: string, params: unknown[] = []): Promise<T[]> => await queryDatabase<T>(database, text, params);
	const campaignRows = async (campaign: string): Promise<LedgerRow[]> => await sql('SELECT * FROM esms_campaign_calls WHERE "campaign" = $1 ORDER BY "row", "id"', [campaign]);
	const formUrl = (): string => `${handle!.baseUrl}/form/esms-campaign-pg`;

	async function start(port?: number, brokerPort?: number): Promise<void> {
		handle = await startN8n({ packageDir: packageDir(), userFolder, port, brokerPort, logFile: path.join(userFolder, `n8n-${Date.now()}.log`) });
		const next = new N8nClient(handle.baseUrl);
		next.n8nVersion = handle.n8nVersion;
		next.apiKey = client?.apiKey;
		client = next;
	}

	async function upload(campaign: string, file: Buffer | string, purpose = ADVERTISING, name = 'customers.xlsx'): Promise<string> {
		const type = name.endsWith('.csv') ? 'text/csv' : XLSX_TYPE;
		const { endingPage } = await submitForm(formUrl(), [campaign, { name, type, content: file }, 'Phone', '1001', '', '', purpose]);
		return pageText(endingPage);
	}

	async function resultsOf(campaign: string, timeoutMs = 90_000): Promise<LedgerRow[]> {
		return await poll(async () => {
			const list = await campaignRows(campaign);
			return list.length > 0 && list.every((r) => FINAL.includes(r.status)) ? list : undefined;
		}, { timeoutMs, intervalMs: 500, what: `the results of campaign ${campaign}` });
	}

	beforeAll(async () => {
		database = await createDatabase();
		await sim.start();
		await start();
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('campaign-pg');
		const esms = await client.createCredential('eSMS sim (pg)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY, secretKey: DEFAULT_SECRET_KEY, useCustomBaseUrls: true, voiceBaseUrl: sim.voiceBaseUrl, restBaseUrl: sim.restBaseUrl,
		});
		const postgres = await client.createCredential('Ledger database', 'postgres', {
			host: POSTGRES.host, port: POSTGRES.port, database, user: POSTGRES.user, password: '', ssl: 'disable', allowUnauthorizedCerts: false, sshTunnel: false,
		});
		workflow = loadExample(FILE, esms, handle!.baseUrl, { credentials: { postgres } });
		published = new PublishedCampaign(() => client, workflow, formUrl);
		const sweep = exampleNode(workflow, 'Rows still placed').parameters as { options: { queryReplacement: string } };
		expect(sweep.options.queryReplacement).toBe('={{ [ $now.minus({ minutes: 10 }).toISO() ] }}');
		sweep.options.queryReplacement = '={{ [ $now.toISO() ] }}';
		callingWindow(true)(workflow);
		await published.publish();
	}, 180_000);

	afterAll(async () => {
		await handle?.stop();
		await sim.stop();
		if (database) await dropDatabase(database);
		if (process.env.ESMS_E2E_KEEP !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('the workflow creates its tables; an opt-out file and an earlier campaign; key 9 opts out', async () => {
		expect(await upload('opt-outs', `Phone\n${OPTED_OUT_BEFORE}\nnot a number\n`, 'Opt-out list (never call these numbers)', 'opt-outs.csv')).toContain(
			'1 numbers will never be called by a campaign (1 rows were not phone numbers)',
		);
		expect((await sql<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((t) => t.table_name)).toEqual([
			'esms_campaign_calls',
			'esms_do_not_call',
		]);
		expect(await upload('earlier', xlsxFile(['Phone'], EARLIER.map((phone) => [Number(phone.slice(1))])))).toContain('10 rows read: 10 to call');
		const earlier = await resultsOf('earlier');
		expect(earlier.map((r) => [r.phone, r.status])).toEqual(EARLIER.map((phone) => [phone, phone === EARLIER[0] ? 'answered' : expectedStatus(phone)]));
		const dnc = await sql<{ phone: string; source: string }>('SELECT "phone", "source" FROM esms_do_not_call ORDER BY "id"');
		expect(dnc).toEqual([{ phone: OPTED_OUT_BEFORE, source: 'file opt-outs.csv' }, { phone: EARLIER[0], source: 'key 9 in campaign earlier' }]);
	}, 240_000);

	test('110 rows, n8n down while the results come: every row ends as the simulator says, nobody called twice, the page counts it', async () => {
		const page = await upload('tet', customerList());
		expect(page).toContain('110 rows read: 89 to call, 11 skipped (2 on the do-not-call list, 9 called within 24 hours), 10 rejected (5 not a Vietnamese phone number, 5 same number as row …).');
		await poll(async () => ((await campaignRows('tet')).every((r) => !['pending', 'queued', 'placing'].includes(r.status)) ? true : undefined), {
			timeoutMs: 120_000,
			what: 'every call of the campaign placed',
		});
		const { port, brokerPort } = handle!;
		await handle!.stop();
		await poll(async () => (sim.summary().pending === 0 && sim.summary().callbacks.sending === 0 ? true : undefined), { timeoutMs: 120_000, what: 'every callback attempt made' });
		expect(sim.summary().callbacks.neverDelivered).toBeGreaterThan(0);
		await start(port, brokerPort);
		await client.login(E2E_OWNER.email, E2E_OWNER.password);
		await published.served();
		await published.runScheduleOnce();

		const ledger = await resultsOf('tet');
		expect(ledger).toHaveLength(110);
		const calls = callsMatchingLedger(sim, ledger);
		expect(calls).toHaveLength(89);
		expect(ledger.filter((r) => r.resultSource === 'sweep').length).toBeGreaterThan(0);
		expect(ledger.filter((r) => r.status === 'skipped').map((r) => r.phone).sort()).toEqual([OPTED_OUT_BEFORE, ...EARLIER].sort());
		expect((await sql('SELECT "phone" FROM esms_do_not_call WHERE "source" = $1 ORDER BY "phone"', ['key 9 in campaign tet'])).map((r) => r.phone)).toEqual(PRESS_9);

		const section = statusSection(await (await fetch(`${handle!.baseUrl}/webhook/esms-campaign-pg-status`)).text(), 'tet');
		const answered = calls.filter((c) => c.outcome.callStatus === 'ANSWERED');
		expect([section['Rows in the file'], section.Placed, section['Not answered'], section.Failed, section['Bad numbers'], section['Opt-outs']]).toEqual([
			'110', '89', String(calls.filter((c) => c.outcome.callStatus === 'NO ANSWER').length), String(calls.filter((c) => c.outcome.callStatus === '').length), '10', '2',
		]);
		expect(section.Answered.split(' ')[0]).toBe(String(answered.length));
	}, 420_000);

	test('the result statement wins once; a call whose placing execution died finds its row by request ID; stale claims are queued again', async () => {
		const [row] = await sql('SELECT * FROM esms_campaign_calls WHERE "campaign" = $1 AND "status" = $2 ORDER BY "id" LIMIT 1', ['tet', 'answered']);
		// As a worker killed between the call and Write placements leaves it: placing, no reference ID.
		await sql('UPDATE esms_campaign_calls SET "status" = \'placing\', "referenceId" = NULL, "resultSource" = NULL WHERE "id" = $1', [row.id]);
		const record = exampleNode(workflow, 'Record result').parameters as { query: string };
		const params = [row.referenceId, 'answered', '1', 5, 850, new Date().toISOString(), row.requestId];
		const [first, second] = await Promise.all([sql(record.query, params), sql(record.query, params)]);
		expect(first.length + second.length).toBe(1);
		expect((await sql('SELECT "status", "referenceId", "resultSource" FROM esms_campaign_calls WHERE "id" = $1', [row.id]))[0]).toEqual({
			status: 'answered', referenceId: row.referenceId, resultSource: 'callback',
		});

		// A stale claim placed again while its first execution still ran: eSMS refused the second (124),
		// which wrote the row first, without a reference ID; the first execution's write still fills it
		// in, and a later write without one changes nothing.
		const write = exampleNode(workflow, 'Write placements').parameters as { query: string };
		await sql('UPDATE esms_campaign_calls SET "status" = \'placed\', "referenceId" = NULL WHERE "id" = $1', [row.id]);
		const placement = (referenceId: string | null) => [JSON.stringify([{ id: row.id, status: 'placed', reason: '', referenceId, placedAt: new Date().toISOString(), dueAt: new Date().toISOString() }])];
		await sql(write.query, placement(null));
		await sql(write.query, placement(String(row.referenceId)));
		await sql(write.query, placement(null));
		expect((await sql('SELECT "status", "referenceId" FROM esms_campaign_calls WHERE "id" = $1', [row.id]))[0]).toEqual({ status: 'placed', referenceId: row.referenceId });
		// Queued again as a stale claim before its first execution wrote it: that write still lands.
		await sql('UPDATE esms_campaign_calls SET "status" = \'queued\', "referenceId" = NULL WHERE "id" = $1', [row.id]);
		await sql(write.query, placement(String(row.referenceId)));
		expect((await sql('SELECT "status", "referenceId" FROM esms_campaign_calls WHERE "id" = $1', [row.id]))[0]).toEqual({ status: 'placed', referenceId: row.referenceId });
		await sql('UPDATE esms_campaign_calls SET "status" = \'answered\' WHERE "id" = $1', [row.id]);

		const requeue = exampleNode(workflow, 'Requeue stale claims').parameters as { query: string };
		const claimed = await sql('SELECT "id" FROM esms_campaign_calls WHERE "campaign" = $1 AND "status" = $2 ORDER BY "id" LIMIT 2', ['tet', 'noAnswer']);
		const [staleTet, freshTet, staleEarlier] = [claimed[0], claimed[1], (await sql('SELECT "id" FROM esms_campaign_calls WHERE "campaign" = $1 ORDER BY "id" LIMIT 1', ['earlier']))[0]];
		const stoppedMarker = (await sql('SELECT "id", "status" FROM esms_campaign_calls WHERE "campaign" = $1 ORDER BY "id" DESC LIMIT 1', ['earlier']))[0];
		const saved = await sql('SELECT * FROM esms_campaign_calls WHERE "id" = ANY($1::int[])', [[staleTet.id, freshTet.id, staleEarlier.id, stoppedMarker.id]]);
		try {
			await sql('UPDATE esms_campaign_calls SET "status" = \'placing\', "updatedAt" = now() - interval \'11 minutes\' WHERE "id" = ANY($1::int[])', [[staleTet.id, staleEarlier.id]]);
			await sql('UPDATE esms_campaign_calls SET "status" = \'placing\', "updatedAt" = now() WHERE "id" = $1', [freshTet.id]);
			await sql('UPDATE esms_campaign_calls SET "status" = \'stopped\' WHERE "id" = $1', [stoppedMarker.id]);
			await sql(requeue.query, [new Date(Date.now() - 10 * 60_000).toISOString()]);
			const after = await sql('SELECT "id", "status", "reason" FROM esms_campaign_calls WHERE "id" = ANY($1::int[]) ORDER BY "id"', [[staleTet.id, freshTet.id, staleEarlier.id]]);
			expect(after.map((r) => [r.id, r.status])).toEqual(
				[[staleTet.id, 'queued'], [freshTet.id, 'placing'], [staleEarlier.id, 'stopped']].sort((a, b) => Number(a[0]) - Number(b[0])),
			);
			expect(after.find((r) => r.id === staleTet.id)!.reason).toMatch(/^claimed at \d{4}-\d\d-\d\d \d\d:\d\d by an execution that ended before writing its placements$/);
		} finally {
			for (const r of saved) await sql('UPDATE esms_campaign_calls SET "status" = $2, "reason" = $3 WHERE "id" = $1', [r.id, r.status, r.reason]);
		}
	}, 60_000);

	test('the same file again within 24 hours calls nobody; a ledger that refuses writes calls nobody and says why', async () => {
		const before = sim.requestsTo(MAKE_CALL).length;
		expect(await upload('tet-again', customerList())).toContain('110 rows read: 0 to call, 100 skipped (4 on the do-not-call list, 96 called within 24 hours), 10 rejected');
		await resultsOf('tet-again');
		expect(sim.requestsTo(MAKE_CALL).length).toBe(before);

		await sql('ALTER TABLE esms_campaign_calls ADD CONSTRAINT e2e_refuse_writes CHECK ("campaign" <> \'full\') NOT VALID');
		try {
			const known = (await client.listExecutions(published.workflowId())).map((e) => e.id);
			await expect(upload('full', xlsxFile(['Phone'], [[913900001], [913900002]]))).rejects.toThrow('the form execution ended "error" before its ending page');
			const [failed] = (await published.settled()).filter((e) => !known.includes(e.id));
			const run = await client.getExecution(failed.id, true);
			expect(run.data?.resultData.lastNodeExecuted).toBe('Write ledger rows');
			expect(run.data?.resultData.error?.message).toContain('e2e_refuse_writes');
			expect(sim.requestsTo(MAKE_CALL).length).toBe(before);
			expect(await campaignRows('full')).toEqual([]);
		} finally {
			await sql('ALTER TABLE esms_campaign_calls DROP CONSTRAINT e2e_refuse_writes');
		}
	}, 240_000);

	test('a campaign uploaded outside calling hours waits in the ledger; stopped before the window opens, it rings nobody', async () => {
		await published.edit(callingWindow(false));
		const night = [national(950001), national(950002)];
		const before = sim.requestsTo(MAKE_CALL).length;
		expect(await upload('night', xlsxFile(['Phone'], night.map((phone) => [Number(phone.slice(1))])))).toContain('2 rows read: 2 to call');
		await poll(async () => {
			const list = await campaignRows('night');
			return list.length === 2 && list.every((r) => r.status === 'queued' && new Date(String(r.dueAt)).getTime() > Date.now()) ? list : undefined;
		}, { timeoutMs: 60_000, what: 'the night rows queued for the next opening' });
		expect((await stopCampaign(`${handle!.baseUrl}/webhook/esms-campaign-pg-stop`, 'night')).Stopped).toBe('2');
		await published.edit(callingWindow(true));
		await published.runScheduleOnce();
		expect(sim.requestsTo(MAKE_CALL).length).toBe(before);
		expect((await campaignRows('night')).map((r) => r.status)).toEqual(['stopped', 'stopped']);
	}, 240_000);
});
