// The one-import campaign with its PostgreSQL ledger at volume, as the queue-mode e2e and the bench
// run it: N callable numbers in an XLSX through the form, the simulator limited to R requests/s,
// on n8n's queue mode (main, 2 workers, 2 webhook processors behind a loopback balancer) or on one
// n8n process, optionally with faults while it runs: the worker placing the calls killed (SIGKILL)
// and started again, a webhook processor stopped while callbacks arrive, the main process
// restarted. Every count comes from the simulator's own record and the ledger.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator } from '../../simulator/src';
import { submitForm, XLSX_TYPE, xlsxFile } from './campaign-form';
import { callingWindow, ledgerStatusOf, PublishedCampaign } from './campaign-workflow';
import { exampleNode, loadExample } from './examples';
import { n8nModule, POSTGRES, queryDatabase } from './queue-services';
import { percentile, poll, sleep } from './util';
import { deployQueueMode, deploySingleProcess, type Deployment } from './volume-deployments';
import { CREDENTIAL_TYPE } from './workflows';

const FILE = 'campaign-from-spreadsheet-postgres.json';
const CAMPAIGN = 'volume';
const ADVERTISING = 'Advertising (one call per number per 24 hours)';
const SWEEP_AFTER_S = 60;
const LEDGER_SQL = path.join(__dirname, '..', '..', 'docs', 'postgres-ledger.sql');
// Test instrumentation, not part of the workflow: every result written to a row, with its time,
// so a result recorded twice is seen whichever execution wrote it.
const AUDIT_SQL = `
CREATE TABLE esms_results_audit ("rowId" integer, "status" text, "source" text, "at" timestamptz DEFAULT clock_timestamp());
CREATE FUNCTION esms_results_audit() RETURNS trigger AS $$ BEGIN
  IF NEW."resultAt" IS DISTINCT FROM OLD."resultAt" THEN
    INSERT INTO esms_results_audit ("rowId", "status", "source") VALUES (NEW."id", NEW."status", NEW."resultSource");
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER esms_results_audit AFTER UPDATE ON esms_campaign_calls FOR EACH ROW EXECUTE FUNCTION esms_results_audit();`;

export interface VolumeRun {
	calls: number;
	/** The simulator's limit (requests/s), also the workflow's Settings callsPerSecond. */
	perSecond: number;
	callsPerBatch: number;
	/** How long each simulated call rings before its result (and its callback). */
	callDelayMs: number;
	queueMode: boolean;
	faults: boolean;
	/** Sweep the results the callbacks missed and count what is lost (else only speed is measured). */
	sweep: boolean;
	/** Settings for every n8n process (e.g. N8N_EXPRESSION_ENGINE_POOL_SIZE). */
	n8nEnv?: Record<string, string>;
	/** Progress lines (every 10 s, and each fault). */
	log: (line: string) => void;
}

export interface VolumeResult {
	/** Form submitted → its ending page (every ledger row written). */
	uploadSeconds: number;
	/** Form submitted → the last call accepted by the simulator. */
	placementSeconds: number;
	/** The first call accepted → the last. */
	callingSeconds: number;
	/** Results recorded from callbacks per second, the first recorded to the last. */
	callbacksPerSecond: number;
	/** A final callback's answer from n8n (HTTP 200): median and 95th percentile, ms. */
	webhookAnswerMs: [number, number];
	/** A call's final callback sent → its result in the ledger: median and 95th percentile, s. */
	resultLagSeconds: [number, number];
	calledTwice: number;
	notCalled: number;
	/** Rows that, after the sweep, have no final state or one that differs from the simulator's (null without the sweep). */
	lost: number | null;
	/** Rows whose result was written more than once. */
	recordedTwice: number;
	byCallback: number;
	bySweep: number;
	/** A callback's execution as n8n saved it (the last 100 that succeeded): waiting for a worker, running, and each node's mean ms. */
	callbackExecution: { queuedSeconds: number; runSeconds: number; nodeMs: Record<string, number> };
	/** Requests eSMS refused as already placed (124): stale claims placed again after their execution died. */
	refusedAsPlaced: number;
	faults: string[];
}

interface LedgerRow {
	id: number;
	phone: string;
	status: string;
	referenceId: string | null;
	keyPressed: string | null;
	resultSource: string | null;
	reason: string;
}

/** N callable numbers, each a numeric cell (as Excel keeps typed phones). */
export function volumeList(calls: number): { phones: string[]; file: Buffer } {
	const phones = Array.from({ length: calls }, (_, i) => `0913${String(i + 1).padStart(6, '0')}`);
	return { phones, file: xlsxFile(['Phone', 'Name'], phones.map((phone, i) => [Number(phone.slice(1)), `Khach ${i + 1}`])) };
}

export async function runCampaignAtVolume(run: VolumeRun, ledgerDatabase: string): Promise<VolumeResult> {
	const { phones, file } = volumeList(run.calls);
	const sim = new EsmsSimulator({ outcomeByLastDigit: true, callDelayMs: run.callDelayMs, rateLimitPerSecond: run.perSecond, balance: 1e12, callbackRetryDelayMs: 2000 });
	const faults: string[] = [];
	const fault = (what: string): void => {
		faults.push(what);
		run.log(what);
	};
	const sql = <T>(text: string, params: unknown[] = []): Promise<T[]> => queryDatabase<T>(ledgerDatabase, text, params);
	await sql(fs.readFileSync(LEDGER_SQL, 'utf8'));
	await sql(AUDIT_SQL);
	await sim.start();
	let deployment: Deployment | undefined;
	let ticker: NodeJS.Timeout | undefined;
	try {
		deployment = run.queueMode ? await deployQueueMode(run.n8nEnv) : await deploySingleProcess(run.n8nEnv);
		const { client } = deployment;
		const esms = await client.createCredential('eSMS sim (volume)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY, secretKey: DEFAULT_SECRET_KEY, useCustomBaseUrls: true, voiceBaseUrl: sim.voiceBaseUrl, restBaseUrl: sim.restBaseUrl,
		});
		const postgres = await client.createCredential('Ledger database', 'postgres', {
			host: POSTGRES.host, port: POSTGRES.port, database: ledgerDatabase, user: POSTGRES.user, password: '', ssl: 'disable', allowUnauthorizedCerts: false, sshTunnel: false,
		});
		const workflow = loadExample(FILE, esms, deployment.publicUrl, { credentials: { postgres } });
		const settings = exampleNode(workflow, 'Settings').parameters as { jsonOutput: string };
		settings.jsonOutput = JSON.stringify({ ...JSON.parse(settings.jsonOutput), callsPerBatch: run.callsPerBatch, callsPerSecond: run.perSecond }, null, 2);
		// With the sweep: it asks about rows placed over a minute ago (10 in the workflow), and a claim
		// 5 s old is stale (the killed execution's; another's placed again is refused by eSMS, 124).
		// Without, the workflow's own cut-offs: its 5-minute schedule then touches no live row.
		const cutOff = (name: string, expression: string) => ((exampleNode(workflow, name).parameters as { options: { queryReplacement: string } }).options.queryReplacement = expression);
		if (run.sweep) {
			cutOff('Rows still placed', `={{ [ $now.minus({ seconds: ${SWEEP_AFTER_S} }).toISO() ] }}`);
			cutOff('Requeue stale claims', '={{ [ $now.minus({ seconds: 5 }).toISO() ] }}');
		}
		callingWindow(true)(workflow);
		const formUrl = `${deployment.publicUrl}/form/esms-campaign-pg`;
		const published = new PublishedCampaign(() => deployment!.client, workflow, () => formUrl);
		await published.publish();
		const n8nDatabase = deployment.n8nDatabase;
		const scheduleMark = async (): Promise<number> =>
			Number((await queryDatabase<{ id: string | null }>(n8nDatabase, 'SELECT max("id"::int) AS id FROM execution_entity WHERE "workflowId" = $1 AND "mode" = $2', [published.workflowId(), 'trigger']))[0].id ?? 0);

		const calledPhones = (): number => new Set(sim.placedCalls().map((c) => c.normalizedPhone)).size;
		const recorded = async (): Promise<number> => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM esms_results_audit'))[0].n);
		const started = Date.now();
		ticker = setInterval(() => {
			void recorded().then(
				(n) => run.log(`${Math.round((Date.now() - started) / 1000)} s: ${calledPhones()} of ${run.calls} called, ${n} results recorded`),
				() => undefined,
			);
		}, 10_000);
		const placedAtLeast = (share: number) => poll(async () => (calledPhones() >= share * run.calls ? true : undefined), { timeoutMs: 600_000, intervalMs: 100, what: `${share * 100}% of the calls placed` });

		const queue = deployment.queue;
		// The upload (and so the placing) runs on the one worker up; the other joins once it runs.
		if (run.faults && queue) await queue.stopRole('worker-2');
		const t0 = Date.now();
		const { endingPage } = await submitForm(formUrl, [CAMPAIGN, { name: 'customers.xlsx', type: XLSX_TYPE, content: file }, 'Phone', '1001', '', '', ADVERTISING]);
		const uploadSeconds = (Date.now() - t0) / 1000;
		if (!endingPage.includes(`${run.calls} rows read: ${run.calls} to call`)) throw new Error(`unexpected ending page: ${endingPage.slice(0, 500)}`);
		run.log(`upload: ${uploadSeconds.toFixed(1)} s to the ending page`);

		if (run.faults && queue) {
			await queue.startRole('worker-2');
			await placedAtLeast(0.3);
			fault(`worker placing the calls killed (SIGKILL) with ${calledPhones()} of ${run.calls} called`);
			await queue.killRole('worker');
			await queue.startRole('worker');
			// The rest waits in the ledger for the schedule (every 5 minutes; here run at once).
			await published.runScheduleOnce({ scheduleMark, settle: false, graceMs: 90_000, waitForForm: false });
			await placedAtLeast(0.45);
			fault(`main process restarted with ${calledPhones()} called`);
			await queue.restartRole('main');
			await placedAtLeast(0.6);
			fault(`webhook processor 1 stopped for 15 s with ${calledPhones()} called, while callbacks arrive`);
			await queue.stopRole('webhook-1');
			await sleep(15_000);
			await queue.startRole('webhook-1');
		}

		// Every row called (a schedule run again if the placing stalls with rows left), every callback
		// sent, every result the executions will record recorded; then the sweep for the rest.
		let progress = { at: Date.now(), called: 0 };
		await poll(async () => {
			const open = await sql<{ n: string }>('SELECT count(*) AS n FROM esms_campaign_calls WHERE "status" IN (\'queued\', \'placing\')');
			const called = calledPhones();
			if (Number(open[0].n) === 0 && called >= run.calls) return true;
			if (called > progress.called) progress = { at: Date.now(), called };
			else if (run.faults && Date.now() - progress.at > 60_000) {
				run.log(`no call for 60 s with ${open[0].n} rows queued or placing: the schedule runs again`);
				await published.runScheduleOnce({ scheduleMark, settle: false, graceMs: 90_000, waitForForm: false });
				progress = { at: Date.now(), called: calledPhones() };
			}
			return undefined;
		}, { timeoutMs: 1_800_000, intervalMs: 500, what: 'every row called' });
		const calls = sim.placedCalls();
		const acceptedAt = calls.map((c) => c.createdAt);
		const lastAccepted = Math.max(...acceptedAt);
		await poll(async () => (sim.summary().pending === 0 && sim.summary().callbacks.sending === 0 ? true : undefined), { timeoutMs: 600_000, what: 'every callback sent' });
		let last = -1;
		await poll(async () => {
			const now = await recorded();
			const settled = now === last;
			last = now;
			return settled ? true : undefined;
		}, { timeoutMs: 1_800_000, intervalMs: 10_000, what: 'the results recorded from callbacks' });
		// Rows placed with a reference ID and no result: the sweep asks eSMS (a row placed again
		// under its request ID, 124, has none: only its callback can record it).
		const sweepable = async () =>
			(await sql<{ n: string; newest: Date | null }>('SELECT count(*) AS n, max("placedAt") AS newest FROM esms_campaign_calls WHERE "status" = \'placed\' AND COALESCE("referenceId", \'\') <> \'\''))[0];
		for (let sweep = 1; run.sweep && sweep <= 3; sweep++) {
			const { n, newest } = await sweepable();
			if (Number(n) === 0) break;
			run.log(`${n} rows still placed: sweep ${sweep}`);
			await sleep(Math.max(0, new Date(newest!).getTime() + (SWEEP_AFTER_S + 2) * 1000 - Date.now()));
			await published.runScheduleOnce({ scheduleMark, settle: false, graceMs: 90_000, waitForForm: false });
			await poll(async () => (Number((await sweepable()).n) === 0 ? true : undefined), { timeoutMs: 120_000, intervalMs: 1000, what: 'the sweep' }).catch(() => undefined);
		}

		// Counted from the simulator's record and the ledger.
		const ledger = await sql<LedgerRow>('SELECT * FROM esms_campaign_calls WHERE "campaign" = $1 ORDER BY "id"', [CAMPAIGN]);
		const callByPhone = new Map(calls.map((c) => [c.normalizedPhone, c]));
		let lost = run.calls - ledger.length;
		for (const row of ledger) {
			const call = callByPhone.get(row.phone);
			const matches = call && row.referenceId === call.referenceId && row.status === ledgerStatusOf(call.outcome.callStatus) && (row.keyPressed ?? '') === call.outcome.ivr;
			if (!matches) lost++;
		}
		const audit = await sql<{ rowId: number; source: string; at: Date }>('SELECT * FROM esms_results_audit ORDER BY "at"');
		const writes = new Map<number, number>();
		for (const entry of audit) writes.set(entry.rowId, (writes.get(entry.rowId) ?? 0) + 1);
		const byCallback = audit.filter((a) => a.source === 'callback');
		const rowById = new Map(ledger.map((r) => [r.id, r]));
		const firstFinalCallback = new Map<string, number>();
		for (const attempt of sim.callbacks) if (attempt.sendStatus === 5 && !firstFinalCallback.has(attempt.referenceId)) firstFinalCallback.set(attempt.referenceId, attempt.sentAt);
		const lags = byCallback.flatMap((a) => {
			const sent = firstFinalCallback.get(rowById.get(a.rowId)?.referenceId ?? '');
			return sent === undefined ? [] : [(new Date(a.at).getTime() - sent) / 1000];
		});
		const answers = sim.callbacks.filter((a) => a.sendStatus === 5 && a.status === 200).map((a) => a.time - a.sentAt);
		const span = byCallback.length > 1 ? (new Date(byCallback.at(-1)!.at).getTime() - new Date(byCallback[0].at).getTime()) / 1000 : 0;
		return {
			callbackExecution: await callbackExecutionTimes(n8nDatabase, published.workflowId()),
			uploadSeconds,
			placementSeconds: (lastAccepted - t0) / 1000,
			callingSeconds: (lastAccepted - Math.min(...acceptedAt)) / 1000,
			callbacksPerSecond: span > 0 ? byCallback.length / span : 0,
			webhookAnswerMs: [percentile(answers, 50), percentile(answers, 95)],
			resultLagSeconds: [percentile(lags, 50), percentile(lags, 95)],
			calledTwice: calls.length - new Set(calls.map((c) => c.normalizedPhone)).size,
			notCalled: phones.filter((phone) => !callByPhone.has(phone)).length,
			lost: run.sweep ? lost : null,
			recordedTwice: [...writes.values()].filter((n) => n > 1).length,
			byCallback: ledger.filter((r) => r.resultSource === 'callback').length,
			bySweep: ledger.filter((r) => r.resultSource === 'sweep').length,
			refusedAsPlaced: sim.requestsTo('MakeCallRecord_V2').filter((q) => q.code === '124').length,
			faults,
		};
	} finally {
		if (ticker) clearInterval(ticker);
		await deployment?.close();
		await sim.stop();
	}
}

/** Where a callback execution's time goes: n8n's own timestamps and each node's executionTime. */
async function callbackExecutionTimes(n8nDatabase: string, workflowId: string): Promise<VolumeResult['callbackExecution']> {
	const rows = await queryDatabase<{ queued: number; run: number; data: string }>(
		n8nDatabase,
		`SELECT extract(epoch FROM e."startedAt" - e."createdAt")::float AS queued, extract(epoch FROM e."stoppedAt" - e."startedAt")::float AS run, d."data"
		 FROM execution_entity e JOIN execution_data d ON d."executionId" = e."id"
		 WHERE e."workflowId" = $1 AND e."mode" = 'webhook' AND e."status" = 'success' AND d."data" LIKE '%Call results%'
		 ORDER BY e."id" DESC LIMIT 100`,
		[workflowId],
	);
	const { parse } = n8nModule<{ parse(text: string): { resultData: { runData: Record<string, Array<{ executionTime: number }>> } } }>('flatted');
	const totals = new Map<string, number>();
	for (const row of rows) {
		for (const [node, runs] of Object.entries(parse(row.data).resultData.runData)) totals.set(node, (totals.get(node) ?? 0) + runs.reduce((n, r) => n + r.executionTime, 0));
	}
	const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
	return {
		queuedSeconds: Number(mean(rows.map((r) => r.queued)).toFixed(2)),
		runSeconds: Number(mean(rows.map((r) => r.run)).toFixed(3)),
		nodeMs: Object.fromEntries([...totals].map(([node, ms]) => [node, Math.round(ms / rows.length)])),
	};
}
