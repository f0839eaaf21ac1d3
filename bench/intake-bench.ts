/**
 * Callback intake: a burst of eSMS callbacks (some delivered twice) into a real n8n, through a
 * published eSMS Voice Trigger workflow and, on the same instance, through n8n's own Webhook node.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

import { deliveryToken, SLOT_MS } from '../nodes/EsmsVoiceTrigger/deliveries';
import { mapWithConcurrency } from '../nodes/EsmsVoice/actions/concurrency';
import type { N8nClient } from '../e2e/lib/n8n-client';
import { startInstance } from '../e2e/lib/shared';
import { percentile } from '../e2e/lib/util';
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

/**
 * The repeat record as n8n saved it: every started callback makes n8n write the workflow's whole
 * static data once (bytes written per callback), every callback makes it read it.
 */
async function recordSize(client: N8nClient, workflowId: string): Promise<Row> {
	const workflow = await client.api<{ staticData?: Record<string, { deliveries?: { slots?: Record<string, string> } }> | null }>(
		'GET',
		`/api/v1/workflows/${workflowId}`,
	);
	const slots = workflow.staticData?.['node:eSMS Voice Trigger']?.deliveries?.slots ?? {};
	return {
		'remembered after': Object.values(slots).join('').length / 8,
		'bytes written per started callback': JSON.stringify(workflow.staticData ?? {}).length,
	};
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

/** The trigger's stored record with `count` earlier deliveries, spread over the last 12 hours. */
function rememberedRecord(count: number): Record<string, unknown> {
	const now = Date.now();
	const slots: Record<string, string> = {};
	for (let i = 0; i < count; i++) {
		const slot = String(Math.floor((now - ((i % 48) * 12 * 3_600_000) / 48) / SLOT_MS));
		slots[slot] = (slots[slot] ?? '') + deliveryToken(`${randomUUID()}|5`);
	}
	return { 'node:eSMS Voice Trigger': { deliveries: { v: 2, slots } } };
}

/** `env`: n8n settings for this instance (on top of the headless defaults, log level info). */
export async function benchIntake(
	total = 2000,
	env: Record<string, string> = {},
	repeatShare = 0.1,
	concurrency = 50,
	remembered = 20_000,
): Promise<Row[]> {
	const { handle, client } = await startInstance({ env: { N8N_LOG_LEVEL: 'info', ...env } });
	try {
		const triggerWorkflow = async (name: string, options: Record<string, unknown>, staticData?: Record<string, unknown>) => {
			const webhookId = randomUUID();
			const created = await client.createWorkflow({
				name,
				nodes: [
					{
						id: randomUUID(),
						name: 'eSMS Voice Trigger',
						type: 'n8n-nodes-esms-voice.esmsVoiceTrigger',
						typeVersion: 1,
						position: [0, 0],
						webhookId,
						parameters: { onlyFinal: true, options },
					},
				],
				connections: {},
				settings: { executionOrder: 'v1' },
				...(staticData ? { staticData } : {}),
			});
			await client.activateWorkflow(created.id);
			return { id: created.id, base: `${handle.baseUrl}/webhook/${webhookId}/esms-voice` };
		};
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
		await client.activateWorkflow(plain.id);
		const webhookNode = { name: 'n8n Webhook node', id: plain.id, base: `${handle.baseUrl}/webhook/bench-webhook`, dedupes: false };
		// The Webhook node runs first and last: the database grows with every burst, so its mean is
		// the fair baseline for the receivers measured in between.
		const receivers = [
			webhookNode,
			{ name: 'eSMS Voice Trigger', ...(await triggerWorkflow('bench: trigger', {})), dedupes: true },
			{
				name: 'eSMS Voice Trigger, Ignore Repeated Deliveries off',
				...(await triggerWorkflow('bench: trigger without repeat check', { ignoreRepeats: false })),
				dedupes: false,
			},
			{
				name: `eSMS Voice Trigger, ${remembered} deliveries already remembered`,
				...(await triggerWorkflow('bench: trigger with a full record', {}, rememberedRecord(remembered))),
				dedupes: true,
				remembered: true,
			},
			{ ...webhookNode, name: 'n8n Webhook node (again, last)' },
		];
		await client.callWebhook('bench-webhook');

		const rows: Row[] = [];
		for (const receiver of receivers) {
			// One warm-up delivery (also waits for the webhook to be live), then the burst alone:
			// the previous receiver's executions have all finished before it starts.
			await fire([`${receiver.base}?ReferenceId=warm-up-${receiver.id}&SendStatus=5`], 1);
			const before = await settledExecutionCount(client, receiver.id);
			const { urls, unique } = callbackUrls(receiver.base, total, repeatShare);
			const burst = await fire(urls, concurrency);
			const executions = (await settledExecutionCount(client, receiver.id)) - before;
			const expected = receiver.dedupes ? unique : total;
			rows.push({
				receiver: receiver.name,
				requests: total,
				'accepted/s': Math.round((total - burst.non200) / burst.seconds),
				'p50 (ms)': Number(percentile(burst.latencies, 50).toFixed(1)),
				'p99 (ms)': Number(percentile(burst.latencies, 99).toFixed(1)),
				'non-200': burst.non200,
				'executions started': executions,
				'expected executions': expected,
				lost: Math.max(0, expected - executions),
				'duplicates executed': receiver.dedupes ? Math.max(0, executions - unique) : 'n/a',
				...(receiver.dedupes ? await recordSize(client, receiver.id) : {}),
			});
		}
		const webhookRate = ((rows[0]['accepted/s'] as number) + (rows[rows.length - 1]['accepted/s'] as number)) / 2;
		const checkOff = rows.find((row) => String(row.receiver).includes('Ignore Repeated Deliveries off'))!;
		for (const row of rows.slice(1, -1)) {
			row['vs Webhook node (mean of both runs)'] = Number(((row['accepted/s'] as number) / webhookRate).toFixed(2));
			row['vs repeat check off'] = Number(((row['accepted/s'] as number) / (checkOff['accepted/s'] as number)).toFixed(2));
		}
		return rows;
	} finally {
		await handle.stop();
	}
}
