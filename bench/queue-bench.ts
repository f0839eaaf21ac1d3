/**
 * A campaign at volume: the one-import campaign with its PostgreSQL ledger
 * (examples/campaign-from-spreadsheet-postgres.json), N calls through its form, the simulator
 * limited to R requests/s, in one run:
 * - on n8n 2.41.1's queue mode (main, 2 workers, 2 webhook processors behind a loopback balancer):
 *   placement wall time / (N/R), and results recorded from callbacks per second;
 * - the same campaign on one n8n process: results recorded from the same callbacks (the scale-out ratio);
 * - (section queue-faults) queue mode again with faults while it runs (the placing worker killed and started again, a
 *   webhook processor stopped while callbacks arrive, main restarted): calls placed twice, results
 *   lost after the sweep, results recorded twice — counted from the simulator's record.
 * Prints ratios and counts; not a timed test.
 */
import { runCampaignAtVolume, type VolumeResult, type VolumeRun } from '../e2e/lib/campaign-at-volume';
import { createDatabase, dropDatabase } from '../e2e/lib/queue-services';
import type { Row } from './engine-bench';

const TARGET_RATIO = 1.1;

async function measure(label: string, run: Omit<VolumeRun, 'log'>): Promise<VolumeResult> {
	const ledger = await createDatabase();
	const started = Date.now();
	console.log(`[bench] campaign at volume, ${label}: starting (${run.calls} calls at ${run.perSecond}/s)`);
	try {
		const result = await runCampaignAtVolume({ ...run, log: (line) => console.log(`[bench] campaign at volume, ${label}: ${line}`) }, ledger);
		console.log(`[bench] campaign at volume, ${label}: done in ${((Date.now() - started) / 1000).toFixed(0)} s ${JSON.stringify(result)}`);
		return result;
	} finally {
		await dropDatabase(ledger);
	}
}

const seconds = (value: number): number => Number(value.toFixed(1));

function row(label: string, r: VolumeResult, ideal: number, extra: Row = {}): Row {
	return {
		run: label,
		'upload → ending page (s)': seconds(r.uploadSeconds),
		'upload → last call (s)': seconds(r.placementSeconds),
		'first → last call (s)': seconds(r.callingSeconds),
		'÷ N/R (from upload)': Number((r.placementSeconds / ideal).toFixed(3)),
		'÷ N/R (calling)': Number((r.callingSeconds / ideal).toFixed(3)),
		'results from callbacks/s': Number(r.callbacksPerSecond.toFixed(1)),
		'callback answer p50/p95 (ms)': `${r.webhookAnswerMs[0]}/${r.webhookAnswerMs[1]}`,
		'callback → ledger p50/p95 (s)': `${seconds(r.resultLagSeconds[0])}/${seconds(r.resultLagSeconds[1])}`,
		'by callback / sweep': `${r.byCallback}/${r.bySweep}`,
		'called twice': r.calledTwice,
		'not called': r.notCalled,
		'lost after sweep': r.lost ?? 'not swept',
		'refused as placed (124)': r.refusedAsPlaced,
		'callback execution: waits / runs (s)': `${r.callbackExecution.queuedSeconds}/${r.callbackExecution.runSeconds}`,
		'its slowest nodes (ms)': Object.entries(r.callbackExecution.nodeMs).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([node, ms]) => `${node} ${ms}`).join(', '),
		'recorded twice': r.recordedTwice,
		...extra,
	};
}

const base = (calls: number, perSecond: number) => ({
	calls,
	perSecond,
	// Batches of 5 s of calls: the loop's own time between batches comes once per batch.
	callsPerBatch: perSecond * 5,
	callDelayMs: 20_000,
	// n8n's PostgreSQL pool is 2 connections per process by default: callbacks at this rate wait for
	// one until they time out (measured), so every process gets 10, as docs/queue-mode.md says.
	n8nEnv: { DB_POSTGRESDB_POOL_SIZE: '10' },
});

/** Queue mode and one process, the same campaign, no faults: speed only (no sweep). */
export async function benchQueueCampaign(calls = 10_000, perSecond = 100): Promise<Row[]> {
	// info, not the suite's debug: 10,000 executions' debug lines would be part of what is measured.
	process.env.ESMS_E2E_N8N_LOG_LEVEL ??= 'info';
	const queue = await measure('queue mode', { ...base(calls, perSecond), queueMode: true, faults: false, sweep: false });
	const single = await measure('one process', { ...base(calls, perSecond), queueMode: false, faults: false, sweep: false });
	return queueRows(queue, single, calls / perSecond);
}

export function queueRows(queue: VolumeResult, single: VolumeResult, ideal: number): Row[] {
	const ratio = queue.placementSeconds / ideal;
	return [
		row('queue mode (main, 2 workers, 2 webhook processors)', queue, ideal, {
			[`target ≤ ${TARGET_RATIO}× N/R`]: ratio <= TARGET_RATIO ? 'met' : 'NOT met',
			'results from callbacks vs one process': single.byCallback > 0 ? Number((queue.byCallback / single.byCallback).toFixed(2)) : 'n/a',
		}),
		row('one n8n process', single, ideal),
	];
}

/** Queue mode through its faults, then the sweep: what was called twice, lost, recorded twice. */
export async function benchQueueFaults(calls = 10_000, perSecond = 100): Promise<Row[]> {
	process.env.ESMS_E2E_N8N_LOG_LEVEL ??= 'info';
	const faults = await measure('queue mode with faults', { ...base(calls, perSecond), queueMode: true, faults: true, sweep: true });
	const total = faults.calledTwice + faults.notCalled + (faults.lost ?? 1) + faults.recordedTwice;
	return [row(`queue mode, faults: ${faults.faults.join('; ')}`, faults, calls / perSecond, { '0 twice, 0 lost': total === 0 ? 'met' : 'NOT met' })];
}
