// Which endpoint a request path names, and the small HTTP helpers the server needs.
import type * as http from 'node:http';
import type { Endpoint, RecordedRequest } from './types';

/** Endpoints by host, with the HTTP method each accepts. */
const ENDPOINTS: Record<'voice' | 'rest', Partial<Record<Endpoint, 'GET' | 'POST'>>> = {
	voice: { MakeCallRecord_V2: 'GET', MakeCallTemplate_V2: 'GET', GetSendStatus: 'GET' },
	// A voice OTP is an SMS-type message: its status is GetSendStatus?RefId on the rest host.
	rest: { GetBalance_json: 'POST', SendMultipleMessage_V4_post_json: 'POST', GetSendStatus: 'GET' },
};

/** The host an endpoint lives on (GetSendStatus: the voice host's; the rest host's is for OTPs). */
export function hostOf(endpoint: Endpoint): 'voice' | 'rest' {
	return Object.hasOwn(ENDPOINTS.voice, endpoint) ? 'voice' : 'rest';
}

export const SERVICE_PATH = '/MainService.svc/json';
const MAX_BODY_BYTES = 1024 * 1024;

export interface Route {
	host: RecordedRequest['host'];
	/** Last path segment, whether or not it is an endpoint. */
	name: string;
	/** Set when host and name make a known endpoint. */
	endpoint?: Endpoint;
	method?: 'GET' | 'POST';
}

/** `/voice/MainService.svc/json/<Endpoint>` or `/rest/…`, with an optional trailing slash. */
export function matchRoute(pathname: string): Route {
	const match = /^\/(voice|rest)\/MainService\.svc\/json\/([^/]+)\/?$/.exec(pathname);
	if (!match) {
		const prefix = /^\/(voice|rest)\//.exec(pathname);
		const name = pathname.replace(/\/+$/, '').split('/').pop() ?? '';
		return { host: prefix ? (prefix[1] as 'voice' | 'rest') : 'unknown', name };
	}
	const host = match[1] as 'voice' | 'rest';
	const name = match[2];
	const known = ENDPOINTS[host] as Record<string, 'GET' | 'POST'>;
	const method = Object.hasOwn(known, name) ? known[name] : undefined;
	return method ? { host, name, endpoint: name as Endpoint, method } : { host, name };
}

export function splitUrl(url: string): { pathname: string; rawQuery: string } {
	const mark = url.indexOf('?');
	return mark === -1 ? { pathname: url, rawQuery: '' } : { pathname: url.slice(0, mark), rawQuery: url.slice(mark + 1) };
}

/** Decoded query; the first value wins when a name repeats (as URLSearchParams.get does). */
export function parseQuery(rawQuery: string): Record<string, string> {
	const query: Record<string, string> = {};
	for (const [name, value] of new URLSearchParams(rawQuery)) {
		if (!(name in query)) query[name] = value;
	}
	return query;
}

export function readBody(request: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				request.destroy();
				reject(new Error('request body too large'));
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

/** JSON if it parses, else the raw text ('' for no body). */
export function parseBody(text: string): unknown {
	if (text === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
	const json = JSON.stringify(body);
	response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
	response.end(json);
}
