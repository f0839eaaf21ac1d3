/**
 * Rate-limit benchmark: 1,000 Make Call items in n8n-core's engine against the simulator limited
 * to 20 requests/s (code 160 above it), at the node's defaults and with Calls per Second = 20.
 * Counts failed items and calls placed twice; compares wall time with the ideal 1000 / 20 s.
 */
import { performance } from 'node:perf_hooks';

import type { INodeParameters } from 'n8n-workflow';

import { EsmsApi } from '../credentials/EsmsApi.credentials';
import { EsmsVoice } from '../nodes/EsmsVoice/EsmsVoice.node';
import { MANUAL_TRIGGER_TYPE, chain, makeNode, registerCredentialTypes, runWorkflow } from '../test/helpers/engine';
import { EsmsSimulator } from '../simulator/src';
import { credentialsFor } from '../test/workflow/setup';
import type { Row } from './engine-bench';
import { progressEvery } from './progress';

registerCredentialTypes([new EsmsApi()]);

/** The bound: wall time at most 1.15 × the ideal. */
const ALLOWED_RATIO = 1.15;

export interface CampaignResult {
	elapsed: number;
	failed: number;
	placedTwice: number;
	notPlaced: number;
	refused: number;
	sent: number;
}

/** Runs `count` Make Call items (distinct phones) through the node in the engine; counts what eSMS saw. */
export async function runCampaign(sim: EsmsSimulator, count: number, options: INodeParameters, label = 'rate limit'): Promise<CampaignResult> {
	const items = Array.from({ length: count }, (_, i) => ({ phone: `0912${String(i).padStart(6, '0')}` }));
	const placed = (): number => sim.requestsTo('MakeCallRecord_V2').filter((r) => r.code === '100').length;
	const stopProgress = progressEvery(label, () => `${placed()} of ${count} placed`);
	const start = performance.now();
	let result: Awaited<ReturnType<typeof runWorkflow>>;
	try {
		result = await runWorkflow({
			nodes: [
				makeNode('Start', MANUAL_TRIGGER_TYPE, { items }),
				makeNode(
					'Call',
					'n8n-nodes-esms-voice.esmsVoice',
					{ resource: 'call', operation: 'makeCall', phone: '={{ $json.phone }}', recordingId: '1001', additionalFields: {}, options },
					// Continue On Fail, so a failed item is counted instead of stopping the campaign.
					{ credentials: { esmsApi: { id: '1', name: 'eSMS' } }, onError: 'continueRegularOutput' },
				),
			],
			connections: chain('Start', 'Call'),
			nodeTypes: [new EsmsVoice()],
			credentials: { esmsApi: credentialsFor(sim) },
		});
	} finally {
		stopProgress();
	}
	const elapsed = performance.now() - start;
	if (result.error) throw new Error(`rate-limit workflow failed: ${result.error.message}`);
	const out = result.outputOf('Call')[0];
	const failed = out.filter((item) => item.json.code !== '100').length + (count - out.length);
	const placedPerPhone = new Map<string, number>();
	for (const request of sim.requestsTo('MakeCallRecord_V2')) {
		if (request.code === '100') placedPerPhone.set(request.query.Phone, (placedPerPhone.get(request.query.Phone) ?? 0) + 1);
	}
	const placedTwice = [...placedPerPhone.values()].filter((n) => n > 1).length;
	const notPlaced = items.filter((item) => !placedPerPhone.has(item.phone)).length;
	const refused = sim.requests.filter((r) => r.code === '160').length;
	return { elapsed, failed, placedTwice, notPlaced, refused, sent: sim.requests.length };
}

export async function benchRateLimit(count = 1000, perSecond = 20): Promise<Row[]> {
	const sim = new EsmsSimulator({ callDelayMs: 3_600_000, balance: 1e12, rateLimitPerSecond: perSecond });
	await sim.start();
	try {
		const ideal = (count / perSecond) * 1000;
		const rows: Row[] = [];
		const settings: Array<[string, INodeParameters]> = [
			['defaults (Calls per Second 0, Concurrency 10)', {}],
			[`Calls per Second = ${perSecond}`, { callsPerSecond: perSecond }],
		];
		for (const [label, options] of settings) {
			sim.reset();
			const r = await runCampaign(sim, count, options, `rate limit, ${label}`);
			const ratio = r.elapsed / ideal;
			rows.push({
				'node options': label,
				'wall (s)': Number((r.elapsed / 1000).toFixed(2)),
				'ideal (s)': Number((ideal / 1000).toFixed(2)),
				'wall / ideal': Number(ratio.toFixed(3)),
				'failed items': r.failed,
				'not placed': r.notPlaced,
				'placed twice': r.placedTwice,
				'160 answers': r.refused,
				'requests sent': r.sent,
				[`met (≤ ${ALLOWED_RATIO} × ideal, 0 failed, 0 twice)`]:
					ratio <= ALLOWED_RATIO && r.failed === 0 && r.placedTwice === 0 && r.notPlaced === 0 ? 'yes' : 'NO',
			});
		}
		return rows;
	} finally {
		await sim.stop();
	}
}
