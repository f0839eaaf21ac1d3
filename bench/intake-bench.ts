/**
 * Callback intake: a burst of eSMS callbacks (some delivered twice) into a real n8n, through a
 * published eSMS Voice Trigger workflow and, on the same instance, through n8n's own Webhook node.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

import { mapWithConcurrency } from '../nodes/shared/concurrency';
import type { N8nClient } from '../e2e/lib/n8n-client';
import { startInstance } from '../e2e/lib/shared';
import type { Row } from './engine-bench';

interface Burst {
	seconds: number;
	latencies: number[];
	non200: number;
}

function get(url: string, agent: Agent): Promise<number> {
	return new Promise((resolve) => {
		const req = httpRequest(url, { agent, timeout: 30_000 }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
		req.end();
	});
}

async function fire(urls: string[], concurrency: number): Promise<Burst> {
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies: number[] = [];
	let non200 = 0;
	const start = performance.now();
	await mapWithConcurrency(urls, concurrency, async (url) => {
		const t0 = performance.now();
		const status = await get(url, agent);
		latencies.push(performance.now() - t0);
		if (status !== 200) non200++;
	});
	const seconds = (performance.now() - start) / 1000;
	agent.destroy();
	return { seconds, latencies, non200 };
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Executions settle after the 200 answer (onReceived): wait until the count stops moving. */
async function settledExecutionCount(client: N8nClient, workflowId: string): Promise<number> {
	let last = -1;
	let stableSince = Date.now();
	const deadline = Date.now() + 300_000;
	while (Date.now() < deadline) {
		const count = (await client.listExecutions(workflowId)).length;
		if (count !== last) {
			last = count;
			stableSince = Date.now();
		} else if (Date.now() - stableSince > 3000) {
			return count;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return last;
}

function callbackUrls(base: string, total: number, repeatShare: number): { urls: string[]; unique: number } {
	const unique = Math.round(total * (1 - repeatShare));
	const ids = Array.from({ length: unique }, () => randomUUID());
	const query = (id: string) =>
		`ReferenceId=${id}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=5`;
	const urls = ids.map((id) => `${base}?${query(id)}`);
	// Repeats are spread through the burst, each after its first delivery.
	for (let i = 0; i < total - unique; i++) {
		const original = Math.floor((i * unique) / (total - unique));
		const at = Math.min(urls.length, original + 1 + (i % 25));
		urls.splice(at, 0, `${base}?${query(ids[original])}`);
	}
	return { urls, unique };
}

export async function benchIntake(total = 2000, repeatShare = 0.1, concurrency = 50): Promise<Row[]> {
	const { handle, client } = await startInstance({});
	try {
		const webhookId = randomUUID();
		const trigger = await client.createWorkflow({
			name: 'bench: eSMS Voice Trigger',
			nodes: [
				{
					id: randomUUID(),
					name: 'eSMS Voice Trigger',
					type: 'n8n-nodes-esms-voice.esmsVoiceTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters: { onlyFinal: true, options: {} },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const plain = await client.createWorkflow({
			name: 'bench: Webhook node',
			nodes: [
				{
					id: randomUUID(),
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { httpMethod: 'GET', path: 'bench-webhook', responseMode: 'onReceived', options: {} },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		await client.activateWorkflow(trigger.id);
		await client.activateWorkflow(plain.id);
		await client.callWebhook('bench-webhook');
		const triggerBase = `${handle.baseUrl}/webhook/${webhookId}/esms-voice`;
		const webhookBase = `${handle.baseUrl}/webhook/bench-webhook`;
		await fire([`${triggerBase}?ReferenceId=warm-up&SendStatus=5`], 1);

		const t = callbackUrls(triggerBase, total, repeatShare);
		const w = callbackUrls(webhookBase, total, repeatShare);
		const webhookBurst = await fire(w.urls, concurrency);
		const triggerBurst = await fire(t.urls, concurrency);
		// Minus the one warm-up execution of each workflow.
		const triggerExecutions = (await settledExecutionCount(client, trigger.id)) - 1;
		const webhookExecutions = (await settledExecutionCount(client, plain.id)) - 1;

		const row = (name: string, burst: Burst, executions: number, unique: number): Row => ({
			receiver: name,
			requests: total,
			'accepted/s': Math.round((total - burst.non200) / burst.seconds),
			'p50 (ms)': Number(percentile(burst.latencies, 50).toFixed(1)),
			'p99 (ms)': Number(percentile(burst.latencies, 99).toFixed(1)),
			'non-200': burst.non200,
			'executions started': executions,
			'unique callbacks': unique,
			lost: Math.max(0, unique - executions),
			'duplicates executed': name.startsWith('eSMS') ? Math.max(0, executions - unique) : 'n/a',
		});
		const rows = [
			row('eSMS Voice Trigger', triggerBurst, triggerExecutions, t.unique),
			row('n8n Webhook node', webhookBurst, webhookExecutions, w.unique),
		];
		rows.push({
			receiver: 'trigger / Webhook throughput',
			'accepted/s': Number(((rows[0]['accepted/s'] as number) / (rows[1]['accepted/s'] as number)).toFixed(2)),
		});
		return rows;
	} finally {
		await handle.stop();
	}
}
