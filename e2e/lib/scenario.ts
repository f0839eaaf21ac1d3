// Shared plumbing of the scenario suites: a simulator with its own credential, workflows that are
// unpublished (not deleted: the secrets suite reads their executions) when the file ends, polling on
// executions, and masking of the simulator's keys so exact request assertions never print them.
import { createHash } from 'node:crypto';
import * as http from 'node:http';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';
import type { CreatedCredential, Execution, N8nClient, WorkflowJson } from './n8n-client';
import { connectN8n, type Connection } from './shared';
import { poll, sleep } from './util';
import { CREDENTIAL_TYPE } from './workflows';

export const API_KEY_MASK = '<API_KEY>';
export const SECRET_KEY_MASK = '<SECRET_KEY>';

/** Replaces the simulator's keys (raw and URL-encoded) by placeholders; everything else stays exact. */
export function maskKeys(text: string): string {
	let out = text;
	for (const [secret, mask] of [
		[DEFAULT_API_KEY, API_KEY_MASK],
		[DEFAULT_SECRET_KEY, SECRET_KEY_MASK],
	]) {
		out = out.split(secret).join(mask).split(encodeURIComponent(secret)).join(mask);
	}
	return out;
}

/** A POST body with the keys replaced by placeholders (only when they are exactly the simulator's). */
export function maskBody(body: unknown): unknown {
	return JSON.parse(maskKeys(JSON.stringify(body)));
}

/** Whether any of the simulator's keys occurs in `value` (as JSON), raw or URL-encoded. */
export function containsKeys(value: unknown): boolean {
	const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
	return [DEFAULT_API_KEY, DEFAULT_SECRET_KEY].some((k) => text.includes(k) || text.includes(encodeURIComponent(k)));
}

/** The request ID the node derives when none is set (nodes/EsmsVoice/actions/requestId.ts, documented in the README). */
export function expectedAutoRequestId(executionId: string, nodeId: string, itemIndex = 0): string {
	const digest = createHash('sha256').update(`${executionId}\u0000${nodeId}`).digest('hex').slice(0, 32);
	return `n8n-${digest}-${itemIndex}`;
}

export interface SimulatorWithCredential {
	sim: EsmsSimulator;
	credential: CreatedCredential;
}

/** Starts a simulator (kept in `started`, to stop later) and stores an eSMS API credential pointing at it. */
export async function startSimulatorWithCredential(
	client: N8nClient,
	started: EsmsSimulator[],
	name: string,
	options: SimulatorOptions = {},
): Promise<SimulatorWithCredential> {
	const sim = new EsmsSimulator({ quiet: true, ...options });
	await sim.start();
	started.push(sim);
	const credential = await client.createCredential(`eSMS sim (${name})`, CREDENTIAL_TYPE, {
		apiKey: DEFAULT_API_KEY,
		secretKey: DEFAULT_SECRET_KEY,
		useCustomBaseUrls: true,
		voiceBaseUrl: sim.voiceBaseUrl,
		restBaseUrl: sim.restBaseUrl,
	});
	return { sim, credential };
}

/** One test file's view of the shared n8n: simulators with credentials, and the workflows it made. */
export class Scenario {
	readonly simulators: EsmsSimulator[] = [];
	readonly workflowIds: string[] = [];
	private sinks: http.Server[] = [];

	private constructor(readonly n8n: Connection) {}

	static async connect(): Promise<Scenario> {
		return new Scenario(await connectN8n());
	}

	get client(): N8nClient {
		return this.n8n.client;
	}

	get baseUrl(): string {
		return this.n8n.baseUrl;
	}

	/** Starts a simulator and creates an eSMS API credential pointing at it. */
	async simulator(name: string, options: SimulatorOptions = {}): Promise<SimulatorWithCredential> {
		return await startSimulatorWithCredential(this.client, this.simulators, name, options);
	}

	/** Creates the workflow and (optionally) publishes it. */
	async workflow(workflow: WorkflowJson, publish = true): Promise<string> {
		const { id } = await this.client.createWorkflow(workflow);
		this.workflowIds.push(id);
		if (publish) await this.client.activateWorkflow(id);
		return id;
	}

	/** A local HTTP server answering 200 to anything (a callback receiver that is not n8n). */
	async callbackSink(): Promise<{ url: string; received: string[] }> {
		const received: string[] = [];
		const server = http.createServer((request, response) => {
			received.push(request.url ?? '');
			response.end('ok');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.sinks.push(server);
		return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received };
	}

	async close(): Promise<void> {
		for (const id of this.workflowIds) await this.client.deactivateWorkflow(id).catch(() => undefined);
		for (const sim of this.simulators) await sim.stop();
		for (const server of this.sinks) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
		await this.n8n.close();
	}

	// ---------------------------------------------------------------- executions

	async executionIds(workflowId: string): Promise<string[]> {
		return (await this.client.listExecutions(workflowId)).map((e) => e.id);
	}

	/** Waits for executions of `workflowId` not in `known`, until `count` of them exist; oldest first. */
	async newExecutions(workflowId: string, known: readonly string[], count = 1, timeoutMs = 30_000): Promise<string[]> {
		return await poll(
			async () => {
				const fresh = (await this.executionIds(workflowId)).filter((id) => !known.includes(id));
				return fresh.length >= count ? fresh.sort((a, b) => Number(a) - Number(b)) : undefined;
			},
			{ timeoutMs, intervalMs: 300, what: `${count} new execution(s) of workflow ${workflowId}` },
		);
	}

	/** Polls one execution until its status is one of `statuses`; returns it with data. */
	async executionWithStatus(id: string, statuses: string[], timeoutMs = 30_000): Promise<Execution> {
		await poll(
			async () => {
				const execution = await this.client.getExecution(id, false);
				return statuses.includes(execution.status) ? execution : undefined;
			},
			{ timeoutMs, intervalMs: 300, what: `execution ${id} to reach status ${statuses.join('/')}` },
		);
		return await this.client.getExecution(id, true);
	}

	/** The single new execution of `workflowId`, once finished (success or error), with data. */
	async finishedExecution(workflowId: string, known: readonly string[], timeoutMs = 30_000): Promise<Execution> {
		const [id] = await this.newExecutions(workflowId, known, 1, timeoutMs);
		return await this.executionWithStatus(id, ['success', 'error', 'crashed', 'canceled'], timeoutMs);
	}

	/**
	 * After something that must start nothing: waits `settleMs` (n8n answers webhooks before it saves
	 * the execution, so absence can only be observed after a pause), then returns the executions.
	 */
	async idsAfterSettling(workflowId: string, settleMs = 2500): Promise<string[]> {
		await sleep(settleMs);
		return await this.executionIds(workflowId);
	}
}

/** Every run of every node of an execution, as JSON text (what n8n recorded as output). */
export function runDataText(execution: Execution): string {
	return JSON.stringify(execution.data?.resultData.runData ?? {});
}

/** Names of the nodes that ran in an execution. */
export function nodesRun(execution: Execution): string[] {
	return Object.keys(execution.data?.resultData.runData ?? {});
}

/** A plain GET (no retry on 404) that returns the status and the body text. */
export async function get(url: string): Promise<{ status: number; text: string }> {
	const response = await fetch(url);
	return { status: response.status, text: await response.text() };
}
