// The load balancer in front of an n8n queue-mode instance, as users run one: production webhooks
// (/webhook/…) and waiting executions' resume URLs (/webhook-waiting/…) go to the webhook
// processors in turn, everything else (editor, REST, public API) to the main process. It adds
// X-Forwarded-For (n8n trusts it with N8N_PROXY_HOPS=1) and records which upstream answered what.
import * as http from 'node:http';

/** Paths n8n's webhook processors serve (the main process has them off: N8N_DISABLE_PRODUCTION_MAIN_PROCESS). */
const WEBHOOK_PATH = /^\/(webhook|webhook-waiting|form|form-waiting)\//;

export interface RoutedRequest {
	/** Path and query as received. */
	url: string;
	/** The upstream's name ('main', 'webhook-1', …) or 'none' when none could be reached. */
	upstream: string;
	status: number;
	time: number;
}

export interface Upstream {
	name: string;
	port: number;
}

export class WebhookRouter {
	/** Every request routed, in the order the answers came. */
	readonly log: RoutedRequest[] = [];
	private server?: http.Server;
	private next = 0;
	/** Upstreams taken out of rotation (as a load balancer drains a node before it is stopped). */
	private readonly out = new Set<string>();

	constructor(
		private readonly main: Upstream,
		private readonly webhooks: readonly Upstream[],
	) {}

	get url(): string {
		const address = this.server?.address();
		if (!address || typeof address === 'string') throw new Error('WebhookRouter: call start() first');
		return `http://127.0.0.1:${address.port}`;
	}

	/** Listens on `port` (0 = a free one) on loopback. */
	async start(port = 0): Promise<void> {
		const server = http.createServer((request, response) => void this.route(request, response));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
		this.server = server;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** Takes an upstream out of rotation (before stopping it) or puts it back (once it is ready). */
	setInRotation(name: string, inRotation: boolean): void {
		if (inRotation) this.out.delete(name);
		else this.out.add(name);
	}

	/** Requests whose path starts with `prefix`, as routed. */
	routed(prefix: string): RoutedRequest[] {
		return this.log.filter((entry) => entry.url.startsWith(prefix));
	}

	private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const url = request.url ?? '/';
		const body = await readAll(request);
		// Round robin over the webhook processors in rotation; one that refuses the connection (down) is skipped.
		// Any other failure (e.g. a reset) is answered 502 and not retried: the sender decides.
		const isWebhook = WEBHOOK_PATH.test(url);
		const candidates = isWebhook ? this.webhooks.map((_, i) => this.webhooks[(this.next + i) % this.webhooks.length]) : [this.main];
		if (isWebhook) this.next = (this.next + 1) % this.webhooks.length;
		for (const upstream of candidates.filter((candidate) => !this.out.has(candidate.name))) {
			let answer: Answer;
			try {
				answer = await forward(upstream.port, request, url, body);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') continue;
				this.answer(response, url, upstream.name, 502);
				return;
			}
			this.log.push({ url, upstream: upstream.name, status: answer.status, time: Date.now() });
			response.writeHead(answer.status, answer.headers);
			response.end(answer.body);
			return;
		}
		this.answer(response, url, 'none', 502);
	}

	private answer(response: http.ServerResponse, url: string, upstream: string, status: number): void {
		this.log.push({ url, upstream, status, time: Date.now() });
		response.writeHead(status, { 'content-type': 'text/plain' });
		response.end(upstream === 'none' ? 'no n8n process is up for this path' : `${upstream} failed to answer`);
	}
}

interface Answer {
	status: number;
	headers: http.OutgoingHttpHeaders;
	body: Buffer;
}

function readAll(stream: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.on('error', reject);
	});
}

/** One request to 127.0.0.1:port; rejects with the socket error when it fails. */
function forward(
	port: number,
	request: http.IncomingMessage,
	url: string,
	body: Buffer,
): Promise<Answer> {
	const headers: http.OutgoingHttpHeaders = { ...request.headers, connection: 'close' };
	const client = request.socket.remoteAddress ?? '127.0.0.1';
	const forwardedFor = request.headers['x-forwarded-for'];
	headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${client}` : client;
	return new Promise((resolve, reject) => {
		const upstream = http.request(
			{ host: '127.0.0.1', port, method: request.method, path: url, headers, agent: false },
			(answer) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					const out: http.OutgoingHttpHeaders = { ...answer.headers };
					delete out['transfer-encoding'];
					delete out.connection;
					resolve({ status: answer.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
				});
				answer.on('error', reject);
			},
		);
		upstream.on('error', reject);
		upstream.end(body);
	});
}
