/**
 * Campaign pace: Make Call campaigns in n8n-core's engine at the node's defaults (no options set)
 * against the simulator limited to R requests/s (code 160 above it). Compares wall time with the
 * ideal N / R and counts failed items and calls placed twice. Prints ratios; not a timed test.
 */
import { EsmsSimulator } from '../simulator/src';
import type { Row } from './engine-bench';
import { runCampaign } from './rate-limit-bench';

/** Issue 17's target: wall time at most 1.10 × N / R, with 0 failed items and 0 calls placed twice. */
const TARGET_RATIO = 1.1;

export const CAMPAIGNS: Array<{ calls: number; perSecond: number }> = [
	{ calls: 1000, perSecond: 5 },
	{ calls: 2000, perSecond: 20 },
	{ calls: 5000, perSecond: 100 },
];

export async function benchCampaigns(campaigns = CAMPAIGNS): Promise<Row[]> {
	const rows: Row[] = [];
	for (const { calls, perSecond } of campaigns) {
		// A fresh simulator per campaign: its rate window and request log start empty.
		const sim = new EsmsSimulator({ callDelayMs: 3_600_000, balance: 1e12, rateLimitPerSecond: perSecond });
		await sim.start();
		try {
			const r = await runCampaign(sim, calls, {}, `campaign pace, ${calls} at ${perSecond}/s`);
			const ideal = calls / perSecond;
			const ratio = r.elapsed / 1000 / ideal;
			const met = ratio <= TARGET_RATIO && r.failed === 0 && r.placedTwice === 0 && r.notPlaced === 0;
			const row: Row = {
				'calls (N)': calls,
				'limit (R, requests/s)': perSecond,
				'ideal N / R (s)': Number(ideal.toFixed(2)),
				'wall (s)': Number((r.elapsed / 1000).toFixed(2)),
				'wall / ideal': Number(ratio.toFixed(3)),
				'failed items': r.failed,
				'placed twice': r.placedTwice,
				'not placed': r.notPlaced,
				'160 answers': r.refused,
				[`target ≤ ${TARGET_RATIO}×, 0 failed, 0 twice`]: met ? 'met' : 'NOT met',
			};
			console.log(JSON.stringify(row));
			rows.push(row);
		} finally {
			await sim.stop();
		}
	}
	return rows;
}
