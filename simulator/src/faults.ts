// Injected faults: what a flaky gateway or proxy in front of eSMS does to a request.
import type * as http from 'node:http';
import type { TimerRegistry } from './timers';
import type { Endpoint, FaultKind, FaultSpec } from './types';

const FAULT_KINDS: readonly FaultKind[] = ['latency', 'http500', 'http503', 'http408', 'http429', 'reset', 'html', 'hang', 'echo'];

/** The eSMS code of an echo fault: not one the node knows, so its ErrorMessage reaches the error text. */
export const ECHO_CODE = '150';

/** The request a fault acts on (for echo). */
export interface FaultedRequest {
	method: string;
	url: string;
	body: string;
}

export const HTML_UNAVAILABLE = '<html><body>Service Unavailable</body></html>';

interface QueuedFault {
	spec: FaultSpec;
	remaining: number;
}

export class FaultQueue {
	private queue: QueuedFault[] = [];

	add(spec: FaultSpec): void {
		if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind: ${String(spec.kind)}`);
		if (spec.kind === 'latency' && !(typeof spec.ms === 'number' && spec.ms >= 0)) {
			throw new Error('a latency fault needs ms >= 0');
		}
		const times = spec.times ?? 1;
		if (!(times > 0)) throw new Error('fault times must be > 0');
		this.queue.push({ spec: { ...spec }, remaining: times });
	}

	/** Consume the first fault that applies to this endpoint. */
	take(endpoint: Endpoint): FaultSpec | undefined {
		const index = this.queue.findIndex((f) => f.spec.endpoint === undefined || f.spec.endpoint === endpoint);
		if (index === -1) return undefined;
		const fault = this.queue[index];
		fault.remaining--;
		if (fault.remaining <= 0) this.queue.splice(index, 1);
		return fault.spec;
	}

	clear(): void {
		this.queue = [];
	}

	get size(): number {
		return this.queue.length;
	}
}

/**
 * Act out a fault. Resolves true when the request should then be handled normally (latency),
 * false when the fault is the whole answer. Rejects with CancelledError if stop() cuts a latency.
 */
export async function applyFault(
	fault: FaultSpec,
	response: http.ServerResponse,
	timers: TimerRegistry,
	request: FaultedRequest,
): Promise<boolean> {
	switch (fault.kind) {
		case 'latency':
			await timers.sleep(fault.ms ?? 0);
			return true;
		case 'http500':
			sendHtml(response, 500, '<html><body><h1>500 Internal Server Error</h1></body></html>');
			return false;
		case 'http503':
			sendHtml(response, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>');
			return false;
		case 'http408':
			// What a proxy in front of eSMS answers when it gave up waiting for the request.
			sendHtml(response, 408, '<html><body><h1>408 Request Timeout</h1></body></html>');
			return false;
		case 'http429':
			// A proxy's or firewall's rate limit (eSMS's own is code 160 in a 200 answer).
			sendHtml(response, 429, '<html><body><h1>429 Too Many Requests</h1></body></html>', { 'Retry-After': '1' });
			return false;
		case 'html':
			sendHtml(response, 200, HTML_UNAVAILABLE);
			return false;
		case 'reset':
			response.socket?.destroy();
			return false;
		case 'echo': {
			// Plain, and URL-encoded once more (as a gateway logging "url=…" would): the CallbackUrl in
			// the query is then encoded once and twice.
			const line = `${request.method} ${request.url}`;
			const message = `Invalid request: ${line}; body: ${request.body || '(none)'}; url=${encodeURIComponent(request.url)}`;
			const body = JSON.stringify({ CodeResult: ECHO_CODE, ErrorMessage: message });
			response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
			response.end(body);
			return false;
		}
		case 'hang':
			// Never answer: the socket stays open until the client gives up or stop() destroys it.
			return false;
	}
}

function sendHtml(response: http.ServerResponse, status: number, html: string, headers: http.OutgoingHttpHeaders = {}): void {
	response.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html), ...headers });
	response.end(html);
}
