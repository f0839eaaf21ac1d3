// The simulator: a real HTTP server on 127.0.0.1 that answers like eSMS's voice and rest hosts.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { CallBook } from './calls';
import * as endpoints from './endpoints';
import { applyFault, FaultQueue } from './faults';
import { normalizePhone, pickOutcome, resolveOptions } from './options';
import { hostOf, matchRoute, parseBody, parseQuery, readBody, sendJson, SERVICE_PATH, splitUrl, type Route } from './routes';
import { summarize } from './summary';
import { CancelledError, TimerRegistry } from './timers';
import type {
	CallbackAttempt,
	EffectiveOptions,
	Endpoint,
	FaultSpec,
	RecordedRequest,
	ScriptedOutcome,
	SimulatedCall,
	SimulatorOptions,
	SimulatorSummary,
} from './types';
import { canonicalParams, errorMessage, paramsFromBody } from './validation';

const RATE_WINDOW_MS = 1000;

const DEFAULT_WAIT_MS = 5000;

/** Not an eSMS endpoint: the simulator's own account of what it sent (GET). */
export const SUMMARY_PATH = '/simulator/summary';

interface Waiter {
	check(): void;
	fail(error: Error): void;
}

export class EsmsSimulator {
	readonly options: EffectiveOptions;
	/** Every request received, in order (unknown paths and faulted requests too). */
	requests: RecordedRequest[] = [];
	/** Every callback attempt made, in order. */
	callbacks: CallbackAttempt[] = [];
	balance: number;

	private server?: http.Server;
	private boundPort?: number;
	private readonly sockets = new Set<Socket>();
	private readonly faults = new FaultQueue();
	private readonly requestTimers = new TimerRegistry();
	private readonly requestIds = new Set<string>();
	private readonly scripted = new Map<string, ScriptedOutcome>();
	private readonly waiters = new Set<Waiter>();
	private readonly calls: CallBook;
	/** When the requests of the last second were accepted (the rate limit's window). */
	private readonly acceptedAt: number[] = [];

	constructor(options: SimulatorOptions = {}) {
		this.options = resolveOptions(options);
		this.balance = this.options.balance;
		for (const [phone, outcome] of Object.entries(this.options.outcomes)) this.scripted.set(phone, outcome);
		this.calls = new CallBook({
			options: this.options,
			charge: (amount) => {
				this.balance -= amount;
			},
			recordCallback: (attempt) => {
				this.callbacks.push(attempt);
			},
			changed: () => this.notify(),
			log: (line) => this.log(line),
		});
	}

	get port(): number {
		if (this.boundPort === undefined) throw new Error('EsmsSimulator: call start() first');
		return this.boundPort;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get voiceBaseUrl(): string {
		return `${this.url}/voice${SERVICE_PATH}`;
	}

	get restBaseUrl(): string {
		return `${this.url}/rest${SERVICE_PATH}`;
	}

	async start(): Promise<void> {
		if (this.server) throw new Error('EsmsSimulator: already started');
		const server = http.createServer((request, response) => void this.handle(request, response));
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			// Loopback only: the simulator accepts any caller and must not be reachable from the network.
			server.listen(this.options.port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		this.boundPort = (server.address() as { port: number }).port;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.requestTimers.cancelAll();
		this.calls.abort();
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		for (const waiter of [...this.waiters]) waiter.fail(new Error('EsmsSimulator stopped'));
	}

	injectFault(fault: FaultSpec): void {
		this.faults.add(fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	setOutcome(phone: string, outcome: ScriptedOutcome): void {
		this.scripted.set(normalizePhone(phone), outcome);
	}

	/** Forget requests, callbacks, calls, request ids and faults; restore the balance. Outcomes stay. */
	reset(): void {
		this.calls.clear();
		this.requests = [];
		this.callbacks = [];
		this.requestIds.clear();
		this.acceptedAt.length = 0;
		this.faults.clear();
		this.balance = this.options.balance;
		this.notify();
	}

	/** Requests to this endpoint on its own host (known or faulted, whatever the method). */
	requestsTo(endpoint: Endpoint): RecordedRequest[] {
		return this.requests.filter((r) => r.endpoint === endpoint && r.host === hostOf(endpoint));
	}

	getCall(referenceId: string): SimulatedCall | undefined {
		return this.calls.get(referenceId);
	}

	/** Every call placed since the last reset, oldest first. */
	placedCalls(): SimulatedCall[] {
		return this.calls.list();
	}

	/** What it sent: final calls by outcome and key, total price, and which results reached a receiver. */
	summary(): SimulatorSummary {
		return summarize(this.calls.list());
	}

	async waitForCallbacks(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<CallbackAttempt[]> {
		await this.waitUntil(
			() => this.callbacks.length >= count,
			timeoutMs,
			() => `expected ${count} callback attempts, got ${this.callbacks.length}`,
		);
		return [...this.callbacks];
	}

	waitForIdle(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
		return this.waitUntil(() => this.calls.idle, timeoutMs, () => 'calls or callbacks still in progress');
	}

	private waitUntil(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
		if (done()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const waiter: Waiter = {
				check: () => {
					if (!done()) return;
					settle();
					resolve();
				},
				fail: (error) => {
					settle();
					reject(error);
				},
			};
			const timer = setTimeout(() => waiter.fail(new Error(`EsmsSimulator: timed out after ${timeoutMs} ms: ${describe()}`)), timeoutMs);
			const settle = (): void => {
				clearTimeout(timer);
				this.waiters.delete(waiter);
			};
			this.waiters.add(waiter);
		});
	}

	private notify(): void {
		for (const waiter of [...this.waiters]) waiter.check();
	}

	private log(line: string): void {
		if (!this.options.quiet) console.log(`[esms-sim] ${line}`);
	}

	private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		try {
			const { pathname, rawQuery } = splitUrl(request.url ?? '/');
			if (pathname === SUMMARY_PATH && request.method === 'GET') {
				// Not an eSMS request, so it is not recorded among `requests`.
				sendJson(response, 200, this.summary());
				return;
			}
			const route = matchRoute(pathname);
			const method = request.method ?? 'GET';
			const text = await readBody(request);
			const record: RecordedRequest = {
				host: route.host,
				endpoint: route.name,
				method,
				rawQuery,
				query: parseQuery(rawQuery),
				time: Date.now(),
			};
			if (method === 'POST') record.body = parseBody(text);
			this.requests.push(record);

			const fault = route.endpoint ? this.faults.take(route.endpoint) : undefined;
			if (fault) {
				this.log(`${route.host} ${route.name} -> fault ${fault.kind}`);
				if (!(await applyFault(fault, response, this.requestTimers, { method, url: request.url ?? '/', body: text }))) return;
			}
			const reply = this.dispatch(route, record);
			record.code = reply.code;
			// Endpoint and code only: the query string and body carry the account's keys.
			this.log(`${route.host} ${route.name} -> ${reply.code ?? reply.status}`);
			sendJson(response, reply.status, reply.body);
			this.notify();
		} catch (error) {
			if (error instanceof CancelledError || response.headersSent || response.destroyed) return;
			sendJson(response, 500, { ErrorMessage: 'Simulator error' });
			this.log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	private dispatch(route: Route, record: RecordedRequest): { status: number; code?: string; body: unknown } {
		if (!route.endpoint) return { status: 404, body: { ErrorMessage: 'Endpoint not found' } };
		if (record.method !== route.method) {
			return { status: 405, body: { ErrorMessage: `Method not allowed, use ${route.method}` } };
		}
		const params = canonicalParams(route.method === 'GET' ? record.query : paramsFromBody(record.body));
		if (this.overRateLimit(record.time)) {
			// One account: every request counts; a refused one does not, and places nothing.
			const field = route.endpoint === 'GetSendStatus' || route.endpoint === 'GetBalance_json' ? 'CodeResponse' : 'CodeResult';
			return { status: 200, code: '160', body: { [field]: '160', ErrorMessage: errorMessage('160') } };
		}
		const state: endpoints.EndpointState = {
			options: this.options,
			balance: this.balance,
			requestIds: this.requestIds,
			outcomeFor: (phone) => pickOutcome(phone, this.scripted, this.options),
			placeCall: (call) => this.calls.place(call),
			getCall: (id) => this.calls.get(id),
		};
		const reply = endpoints.accountRefusal(route.endpoint, params, state) ?? this.answer(route.endpoint, route.host, params, state);
		return { status: 200, code: reply.code, body: reply.body };
	}

	/** True when this request is over the account's rate; else it counts towards it. */
	private overRateLimit(now: number): boolean {
		const limit = this.options.rateLimitPerSecond;
		if (!(limit > 0)) return false;
		while (this.acceptedAt.length > 0 && this.acceptedAt[0] <= now - RATE_WINDOW_MS) this.acceptedAt.shift();
		if (this.acceptedAt.length >= limit) return true;
		this.acceptedAt.push(now);
		return false;
	}

	private answer(
		endpoint: Endpoint,
		host: RecordedRequest['host'],
		params: Record<string, string>,
		state: endpoints.EndpointState,
	): endpoints.Reply {
		switch (endpoint) {
			case 'MakeCallRecord_V2':
			case 'MakeCallTemplate_V2':
				return endpoints.makeCall(endpoint, params, state);
			case 'SendMultipleMessage_V4_post_json':
				return endpoints.sendOtp(params, state);
			case 'GetBalance_json':
				return endpoints.getBalance(params, state);
			case 'GetSendStatus':
				return host === 'rest' ? endpoints.getOtpStatus(params, state) : endpoints.getSendStatus(params, state);
		}
	}
}
