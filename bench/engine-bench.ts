/**
 * Bulk Make Call and overhead benchmarks: the eSMS Voice node in n8n-core's engine against the
 * simulator on 127.0.0.1, beside plain HTTP loops issuing the same requests. Figures are
 * measured in this run; nothing here is a timed test.
 */
import { performance } from 'node:perf_hooks';
import { request as httpRequest, Agent } from 'node:http';

import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';

import { EsmsApi } from '../credentials/EsmsApi.credentials';
import { EsmsVoice } from '../nodes/EsmsVoice/EsmsVoice.node';
import { mapWithConcurrency } from '../nodes/EsmsVoice/actions/concurrency';
import { MANUAL_TRIGGER_TYPE, chain, makeNode, registerCredentialTypes, runWorkflow } from '../test/helpers/engine';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator } from '../simulator/src';
import { credentialsFor } from '../test/workflow/setup';

registerCredentialTypes([new EsmsApi()]);

export interface Row {
	[column: string]: string | number;
}

function phones(count: number): Array<{ phone: string }> {
	// Distinct valid mobiles 0912000000, 0912000001, …
	return Array.from({ length: count }, (_, i) => ({ phone: `0912${String(i).padStart(6, '0')}` }));
}

async function runNode(sim: EsmsSimulator, items: Array<{ phone: string }>, concurrency: number): Promise<number> {
	const start = performance.now();
	const result = await runWorkflow({
		nodes: [
			makeNode('Start', MANUAL_TRIGGER_TYPE, { items }),
			makeNode(
				'Call',
				'n8n-nodes-esms-voice.esmsVoice',
				{
					resource: 'call',
					operation: 'makeCall',
					phone: '={{ $json.phone }}',
					recordingId: '1001',
					additionalFields: {},
					options: { concurrency, autoRequestId: false },
				},
				{ credentials: { esmsApi: { id: '1', name: 'eSMS' } } },
			),
		],
		connections: chain('Start', 'Call'),
		nodeTypes: [new EsmsVoice()],
		credentials: { esmsApi: credentialsFor(sim) },
	});
	const elapsed = performance.now() - start;
	if (result.error) throw new Error(`benchmark workflow failed: ${result.error.message}`);
	const out = result.outputOf('Call')[0];
	if (out.length !== items.length || out.some((item) => item.json.code !== '100')) {
		throw new Error('benchmark workflow did not place every call');
	}
	return elapsed;
}

function makeCallQuery(phone: string): string {
	return new URLSearchParams({ ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY, Phone: phone, TemplateId: '1001' }).toString();
}

/** The same GET requests the node sends, from a plain node:http loop (keep-alive or a new connection each). */
async function runRawLoop(
	sim: EsmsSimulator,
	items: Array<{ phone: string }>,
	concurrency: number,
	keepAlive = true,
): Promise<number> {
	const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: concurrency }) : false;
	const get = (phone: string) =>
		new Promise<void>((resolve, reject) => {
			const req = httpRequest(`${sim.voiceBaseUrl}/MakeCallRecord_V2?${makeCallQuery(phone)}`, { agent }, (res) => {
				let body = '';
				res.on('data', (chunk: Buffer) => (body += chunk.toString()));
				res.on('end', () => (JSON.parse(body).CodeResult === '100' ? resolve() : reject(new Error(body))));
			});
			req.on('error', reject);
			req.end();
		});
	const start = performance.now();
	await mapWithConcurrency(items, concurrency, async (item) => await get(item.phone));
	const elapsed = performance.now() - start;
	if (agent) agent.destroy();
	return elapsed;
}

/** The same requests through n8n's own outbound HTTP layer, which every node's request helper uses. */
async function runN8nHttpLoop(sim: EsmsSimulator, items: Array<{ phone: string }>, concurrency: number): Promise<number> {
	const client = Container.get(OutboundHttp).requests();
	const start = performance.now();
	await mapWithConcurrency(items, concurrency, async (item) => {
		const body = (await client.request({ method: 'GET', url: `${sim.voiceBaseUrl}/MakeCallRecord_V2?${makeCallQuery(item.phone)}`, json: true })) as {
			CodeResult?: string;
		};
		if (body.CodeResult !== '100') throw new Error(JSON.stringify(body));
	});
	return performance.now() - start;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const ratio = (a: number, b: number) => Number((a / b).toFixed(2));

export async function benchBulk(itemCount = 1000, latencyMs = 100, concurrencies = [10, 5, 25]): Promise<Row[]> {
	const sim = new EsmsSimulator({ callDelayMs: 3_600_000, balance: 1e12 });
	await sim.start();
	try {
		const items = phones(itemCount);
		const withLatency = () => {
			sim.reset();
			sim.injectFault({ kind: 'latency', ms: latencyMs, times: Infinity });
		};
		withLatency();
		const sequential = await runRawLoop(sim, items, 1);
		const rows: Row[] = [];
		for (const concurrency of concurrencies) {
			withLatency();
			const node = await runNode(sim, items, concurrency);
			const ideal = Math.ceil(itemCount / concurrency) * latencyMs;
			rows.push({
				concurrency: concurrency === 10 ? '10 (default)' : concurrency,
				'node (s)': seconds(node),
				'ideal (s)': seconds(ideal),
				'node / ideal': ratio(node, ideal),
				'sequential (s)': seconds(sequential),
				'sequential / node': ratio(sequential, node),
			});
		}
		return rows;
	} finally {
		await sim.stop();
	}
}

export async function benchOverhead(itemCount = 1000, concurrency = 10, rounds = 3): Promise<Row[]> {
	const sim = new EsmsSimulator({ callDelayMs: 3_600_000, balance: 1e12 });
	await sim.start();
	try {
		const items = phones(itemCount);
		sim.reset();
		await runNode(sim, items.slice(0, 50), concurrency); // warm-up: module load, JIT
		const best = { node: Infinity, raw: Infinity, rawNoKeepAlive: Infinity, n8nHttp: Infinity };
		const measure = async (key: keyof typeof best, run: () => Promise<number>) => {
			sim.reset();
			best[key] = Math.min(best[key], await run());
		};
		for (let round = 0; round < rounds; round++) {
			await measure('node', async () => await runNode(sim, items, concurrency));
			await measure('raw', async () => await runRawLoop(sim, items, concurrency, true));
			await measure('rawNoKeepAlive', async () => await runRawLoop(sim, items, concurrency, false));
			await measure('n8nHttp', async () => await runN8nHttpLoop(sim, items, concurrency));
		}
		const row = (loop: string, ms: number): Row => ({
			'same requests from': loop,
			'time (s)': seconds(ms),
			'per item (ms)': Number((ms / itemCount).toFixed(3)),
			'node / this': ratio(best.node, ms),
		});
		return [
			row('eSMS Voice node in the engine', best.node),
			row('raw node:http loop, keep-alive', best.raw),
			row('raw node:http loop, new connection each', best.rawNoKeepAlive),
			row("n8n's outbound HTTP layer (what every node's request helper uses)", best.n8nHttp),
		];
	} finally {
		await sim.stop();
	}
}
