// Helpers of the campaign-ledger e2e: n8n's Data tables over the editor's REST API (the same
// routes on 2.41.1 and 1.123.81; 1.x's public API has none), running a Schedule Trigger workflow
// once, and a network in front of n8n that can lose or hold eSMS's callbacks.
import * as http from 'node:http';

import { vietnamClock } from './util';
import type { N8nClient, WorkflowJson } from './n8n-client';

export type ColumnType = 'string' | 'number' | 'boolean' | 'date';
export type Row = Record<string, unknown> & { id: number };

/** The campaign examples' Data table, as docs/examples.md tells a user to create it. */
export const LEDGER_TABLE = 'eSMS call ledger';
export const LEDGER_COLUMNS: Array<[string, ColumnType]> = [
	['referenceId', 'string'], ['requestId', 'string'], ['phone', 'string'], ['status', 'string'],
	['placedAt', 'date'], ['dueAt', 'date'], ['keyPressed', 'string'], ['durationSeconds', 'number'],
	['price', 'number'], ['resultAt', 'date'], ['resultSource', 'string'], ['note', 'string'],
];

/** The owner's personal project holds the tables the Data table node finds by name. */
export class DataTables {
	private constructor(
		private readonly client: N8nClient,
		readonly projectId: string,
	) {}

	static async connect(client: N8nClient): Promise<DataTables> {
		const project = await client.rest<{ data: { id: string } }>('GET', '/rest/projects/personal');
		return new DataTables(client, project.data.id);
	}

	async create(name: string, columns: Array<[string, ColumnType]>): Promise<string> {
		const body = { name, columns: columns.map(([column, type]) => ({ name: column, type })) };
		const created = await this.client.rest<{ data: { id: string } }>('POST', `/rest/projects/${this.projectId}/data-tables`, body);
		return created.data.id;
	}

	/** Every row, oldest first (the REST route pages by at most 250). */
	async rows(tableId: string): Promise<Row[]> {
		const all: Row[] = [];
		for (;;) {
			const query = new URLSearchParams({ skip: String(all.length), take: '250', sortBy: 'id:asc' });
			const page = await this.client.rest<{ data: { count: number; data: Row[] } }>(
				'GET',
				`/rest/projects/${this.projectId}/data-tables/${tableId}/rows?${query}`,
			);
			all.push(...page.data.data);
			if (page.data.data.length === 0 || all.length >= page.data.count) return all;
		}
	}
}

/** A 6-field cron expression for one second, `inMs` from now, in Vietnam time (the examples' zone). */
export function cronAt(inMs: number): string {
	const d = vietnamClock(Date.now() + inMs);
	return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

/**
 * Runs a Schedule Trigger workflow once, as its schedule would: the trigger's rule becomes a cron
 * for one second a few seconds ahead, the workflow is published until that execution has finished,
 * then unpublished. Returns the new execution's id.
 */
export async function runScheduledOnce(
	client: N8nClient,
	workflowId: string,
	workflow: WorkflowJson,
	triggerName: string,
	knownIds: () => Promise<string[]>,
	waitFinished: (known: string[]) => Promise<string>,
): Promise<string> {
	const known = await knownIds();
	const nodes = workflow.nodes.map((node) =>
		node.name === triggerName
			? { ...node, parameters: { rule: { interval: [{ field: 'cronExpression', expression: cronAt(4000) }] } } }
			: node,
	);
	await client.api('PUT', `/api/v1/workflows/${workflowId}`, {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: workflow.settings ?? {},
	});
	await client.activateWorkflow(workflowId);
	try {
		return await waitFinished(known);
	} finally {
		await client.deactivateWorkflow(workflowId);
	}
}

/** What the network does with one callback attempt. */
export type Delivery = 'forward' | 'loseFirstAnswer' | 'hold';

/**
 * Between the simulator and n8n: forwards each callback to n8n's base URL (502 when n8n is down)
 * and answers the simulator with n8n's status, unless the callback's ReferenceId is marked:
 * 'loseFirstAnswer' forwards every attempt but answers the first with 500 (the answer was lost, so
 * eSMS sends it again); 'hold' keeps every attempt from n8n, answers 500, and keeps the last one
 * for `releaseHeld()`.
 */
export class CallbackNetwork {
	target = '';
	readonly modes = new Map<string, Delivery>();
	/** Attempts seen, per ReferenceId. */
	readonly seen = new Map<string, number>();
	/** What n8n answered to each forwarded request, per ReferenceId. */
	readonly forwarded = new Map<string, number[]>();
	private readonly held = new Map<string, string>();
	private server?: http.Server;
	url = '';

	async start(): Promise<void> {
		this.server = http.createServer((request, response) => void this.handle(request, response));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}

	/** Sends the held callback of `referenceId` to n8n now; returns n8n's status. */
	async releaseHeld(referenceId: string): Promise<number> {
		const path = this.held.get(referenceId);
		if (path === undefined) throw new Error(`no callback held for ${referenceId}`);
		this.held.delete(referenceId);
		return await this.forward(referenceId, path);
	}

	private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const path = request.url ?? '/';
		const referenceId = new URL(path, 'http://x').searchParams.get('ReferenceId') ?? '';
		const attempt = (this.seen.get(referenceId) ?? 0) + 1;
		this.seen.set(referenceId, attempt);
		const mode = this.modes.get(referenceId) ?? 'forward';
		let status: number;
		if (mode === 'hold') {
			this.held.set(referenceId, path);
			status = 500;
		} else {
			status = await this.forward(referenceId, path);
			if (mode === 'loseFirstAnswer' && attempt === 1) status = 500;
		}
		response.writeHead(status, { Connection: 'close' });
		response.end();
	}

	private async forward(referenceId: string, path: string): Promise<number> {
		let status = 502;
		try {
			const answer = await fetch(`${this.target}${path}`);
			await answer.arrayBuffer();
			status = answer.status;
		} catch {
			// n8n is down: as a reverse proxy would, answer 502
		}
		this.forwarded.set(referenceId, [...(this.forwarded.get(referenceId) ?? []), status]);
		return status;
	}
}

/** A chat's incoming webhook on 127.0.0.1: keeps every JSON body posted to it. */
export async function startChatReceiver(): Promise<{ url: string; messages: unknown[]; close(): Promise<void> }> {
	const messages: unknown[] = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as { port: number }).port}/chat`,
		messages,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
