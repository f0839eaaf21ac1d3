// Drives a running n8n without a browser: the editor's REST API (cookie session) for owner setup,
// API keys, node/credential types and credential tests; the public API (X-N8N-API-KEY) for the rest.
import { randomUUID } from 'node:crypto';

import { poll, Redactor } from './util';
import { CREDENTIAL_TYPE } from './workflows';

export interface Owner {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

export interface CreatedCredential {
	id: string;
	name: string;
	type: string;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
	/** When a waiting execution continues without being resumed (null: not waiting, or without limit). */
	waitTill?: string | null;
	data?: ExecutionData;
}

export interface ExecutionData {
	resultData: {
		runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: unknown }>>;
		error?: { message?: string; description?: string };
		lastNodeExecuted?: string;
	};
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

export class N8nError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: string,
	) {
		super(message);
	}
}

export class N8nClient {
	readonly redactor = new Redactor();
	apiKey?: string;
	/** The n8n version this client talks to (e.g. "1.123.81"), where a request differs per version. */
	n8nVersion?: string;
	private readonly cookies = new Map<string, string>();

	/** `browserId`: the header the session cookie is bound to (pass it with restoreSession()). */
	constructor(
		readonly baseUrl: string,
		readonly browserId: string = randomUUID(),
	) {}

	/**
	 * The cookie session, so another process can reuse it (n8n rate-limits POST /rest/login to a few
	 * per minutes: one login per test file would hit it). Restore it on a client made with the same browserId.
	 */
	session(): { browserId: string; cookies: Record<string, string> } {
		return { browserId: this.browserId, cookies: Object.fromEntries(this.cookies) };
	}

	restoreSession(cookies: Record<string, string>): void {
		for (const [name, value] of Object.entries(cookies)) this.cookies.set(name, value);
	}

	// ------------------------------------------------------------------ session (editor REST API)

	/** Creates the instance owner (first start only) and keeps the session cookie. */
	async setupOwner(owner: Owner): Promise<void> {
		this.redactor.add(owner.password);
		await this.rest('POST', '/rest/owner/setup', {
			email: owner.email,
			firstName: owner.firstName ?? 'E2E',
			lastName: owner.lastName ?? 'Owner',
			password: owner.password,
		});
	}

	async login(email: string, password: string): Promise<void> {
		this.redactor.add(password);
		await this.rest('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	/** Creates a public-API key with every scope the owner may grant, and uses it from now on. */
	async createApiKey(label = `e2e-${Date.now()}`): Promise<string> {
		const scopes = (await this.rest<{ data: string[] }>('GET', '/rest/api-keys/scopes')).data;
		const created = await this.rest<{ data: { rawApiKey: string } }>('POST', '/rest/api-keys', {
			label,
			scopes,
			expiresAt: null,
		});
		this.apiKey = created.data.rawApiKey;
		this.redactor.add(this.apiKey);
		return this.apiKey;
	}

	/** Names of every node type the editor offers (from the editor's /types/nodes.json). */
	async listNodeTypes(): Promise<string[]> {
		const types = await this.rest<Array<{ name: string }>>('GET', '/types/nodes.json');
		return [...new Set(types.map((t) => t.name))];
	}

	/** Names of every credential type the editor offers (/types/credentials.json). */
	async listCredentialTypes(): Promise<string[]> {
		const types = await this.rest<Array<{ name: string }>>('GET', '/types/credentials.json');
		return types.map((t) => t.name);
	}

	/**
	 * The editor's "Test" button: POST /rest/credentials/test. With `data` the given (unsaved) values
	 * are tested against the stored credential `id`, as when the user edits the form before saving.
	 */
	async testCredential(credential: CreatedCredential, data?: Record<string, unknown>): Promise<CredentialTestResult> {
		if (data) this.redactor.addFromCredentialData(data);
		const body = { credentials: { id: credential.id, name: credential.name, type: credential.type, ...(data ? { data } : {}) } };
		return (await this.rest<{ data: CredentialTestResult }>('POST', '/rest/credentials/test', body)).data;
	}

	// ------------------------------------------------------------------ public API

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<CreatedCredential> {
		this.redactor.addFromCredentialData(data);
		// n8n 1.x's public API requires this field for a credential type with `authenticate`, such as
		// ours (2.x does not), and refuses it on the others (Postgres).
		const body = this.n8nVersion?.startsWith('1.') && type === CREDENTIAL_TYPE ? { allowedHttpRequestDomains: 'all', ...data } : data;
		const created = await this.api<CreatedCredential>('POST', '/api/v1/credentials', { name, type, data: body });
		return { id: created.id, name: created.name, type: created.type };
	}

	/** The public API's credential test (stored data): POST /api/v1/credentials/{id}/test. */
	async testCredentialById(id: string): Promise<CredentialTestResult> {
		return await this.api<CredentialTestResult>('POST', `/api/v1/credentials/${id}/test`);
	}

	async deleteCredential(id: string): Promise<void> {
		await this.api('DELETE', `/api/v1/credentials/${id}`);
	}

	async createWorkflow(workflow: WorkflowJson): Promise<{ id: string; name: string }> {
		const body = { settings: {}, ...workflow };
		return await this.api<{ id: string; name: string }>('POST', '/api/v1/workflows', body);
	}

	/** Publishes (n8n 1.x: activates) a workflow: its triggers and webhooks go live. */
	async activateWorkflow(id: string): Promise<void> {
		await this.publishOr('publish', 'activate', id);
	}

	/** Unpublishes (n8n 1.x: deactivates) a workflow. */
	async deactivateWorkflow(id: string): Promise<void> {
		await this.publishOr('unpublish', 'deactivate', id);
	}

	/** n8n 2.x's `/publish` and `/unpublish`; n8n 1.x has only `/activate` and `/deactivate` (404 or 405). */
	private async publishOr(action: 'publish' | 'unpublish', legacy: 'activate' | 'deactivate', id: string): Promise<void> {
		if (this.n8nVersion?.startsWith('1.')) {
			await this.api('POST', `/api/v1/workflows/${id}/${legacy}`);
			return;
		}
		try {
			await this.api('POST', `/api/v1/workflows/${id}/${action}`, {});
		} catch (error) {
			if (!(error instanceof N8nError) || ![404, 405].includes(error.status) || !/not found|cannot post|not allowed/i.test(error.body)) {
				throw error;
			}
			await this.api('POST', `/api/v1/workflows/${id}/${legacy}`);
		}
	}

	async deleteWorkflow(id: string): Promise<void> {
		await this.api('DELETE', `/api/v1/workflows/${id}`);
	}

	async listExecutions(workflowId: string, includeData = false): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: '100' });
			if (cursor) query.set('cursor', cursor);
			const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>('GET', `/api/v1/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		if (this.n8nVersion?.startsWith('1.')) {
			// n8n 1.x keeps a waiting execution among its active ones, and its public API leaves active
			// executions out of this list; the editor's list (REST) has them: fetch those one by one.
			const listed = new Set(all.map((execution) => execution.id));
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const answer = await this.rest<{ data: { results?: Array<{ id: string }> } | Array<{ id: string }> }>(
				'GET',
				`/rest/executions?filter=${filter}&limit=250`,
			);
			const rows = Array.isArray(answer.data) ? answer.data : (answer.data.results ?? []);
			for (const { id } of rows) {
				if (!listed.has(String(id))) all.push(await this.getExecution(String(id), includeData));
			}
			all.sort((a, b) => Number(b.id) - Number(a.id));
		}
		return all;
	}

	async getExecution(id: string, includeData = true): Promise<Execution> {
		return await this.api<Execution>('GET', `/api/v1/executions/${id}?includeData=${includeData}`);
	}

	/** Waits until the workflow has at least `count` finished executions; returns them with data, oldest first. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
		const done = await poll(
			async () => {
				const list = (await this.listExecutions(workflowId)).filter((e) => FINISHED.has(e.status) || e.stoppedAt);
				return list.length >= count ? list : undefined;
			},
			{ timeoutMs, intervalMs: 300, what: `${count} finished execution(s) of workflow ${workflowId}` },
		);
		const withData = await Promise.all(done.map((e) => this.getExecution(e.id, true)));
		return withData.sort((a, b) => Number(a.id) - Number(b.id));
	}

	// ------------------------------------------------------------------ webhooks

	/**
	 * Calls a production webhook; while n8n is still registering it (404 right after publishing),
	 * retries until `timeoutMs`. The path is `webhook/<path>` for the Webhook node (full path) and
	 * `webhook/<webhookId>/<path>` for nodes that do not declare isFullPath.
	 */
	async callWebhook(
		pathAfterWebhook: string,
		{ method = 'GET', query, body, timeoutMs = 10_000 }: { method?: string; query?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
	): Promise<{ status: number; body: unknown }> {
		const url = `${this.baseUrl}/webhook/${pathAfterWebhook.replace(/^\/+/, '')}${query ? `?${new URLSearchParams(query)}` : ''}`;
		return await poll(
			async () => {
				const response = await fetch(url, {
					method,
					headers: body === undefined ? {} : { 'content-type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await response.text();
				if (response.status === 404 && /not registered/i.test(text)) return undefined;
				return { status: response.status, body: parseJson(text) };
			},
			{ timeoutMs, intervalMs: 200, what: `webhook ${pathAfterWebhook} to be registered` },
		);
	}

	// ------------------------------------------------------------------ plumbing

	/** A request to the editor's REST API with the session cookie (and the browser-id it is bound to). */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const headers: Record<string, string> = { 'browser-id': this.browserId, accept: 'application/json' };
		if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		return await this.send<T>(method, path, headers, body, true);
	}

	/** A request to the public API with the API key. */
	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		if (!this.apiKey) throw new Error('N8nClient: call createApiKey() (or set apiKey) first');
		return await this.send<T>(method, path, { 'x-n8n-api-key': this.apiKey, accept: 'application/json' }, body, false);
	}

	private async send<T>(method: string, path: string, headers: Record<string, string>, body: unknown, keepCookies: boolean): Promise<T> {
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (keepCookies) {
			for (const cookie of response.headers.getSetCookie()) {
				const [pair] = cookie.split(';');
				const eq = pair.indexOf('=');
				if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
			}
		}
		const text = await response.text();
		if (!response.ok) {
			const safe = this.redactor.redact(text).slice(0, 500);
			throw new N8nError(`n8n ${method} ${path.split('?')[0]} answered ${response.status}: ${safe}`, response.status, safe);
		}
		return parseJson(text) as T;
	}
}

function parseJson(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** The JSON items a node produced in an execution (first run, first output). */
export function nodeOutput(execution: Execution, nodeName: string): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs || runs.length === 0) {
		const error = execution.data?.resultData.error;
		throw new Error(
			`node "${nodeName}" did not run in execution ${execution.id} (status ${execution.status}` +
				`${error?.message ? `, error: ${error.message}` : ''})`,
		);
	}
	return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}
