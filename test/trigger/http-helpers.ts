/** HTTP helpers shared by the trigger and wait suites: Express-shaped objects and a raw GET. */
import type http from 'node:http';
import net from 'node:net';

/** Express-shaped request/response over node:http. */
export function expressLike(
	raw: http.IncomingMessage,
	rawRes: http.ServerResponse,
	url: string,
	onWrite: (status: number, body: unknown) => void,
) {
	let query: Record<string, string> = {};
	try {
		query = Object.fromEntries(new URL(url, 'http://localhost').searchParams);
	} catch {
		query = {};
	}
	const request = Object.assign(raw, {
		originalUrl: url,
		path: url.split('?')[0],
		ip: raw.socket.remoteAddress,
		query,
		params: {},
		body: {},
	});
	let done = false;
	const write = (body: unknown, type: string) => {
		done = true;
		onWrite(rawRes.statusCode, type === 'json' ? body : String(body));
		rawRes.setHeader('connection', 'close');
		if (type === 'json') rawRes.setHeader('content-type', 'application/json');
		rawRes.end(type === 'json' ? JSON.stringify(body) : String(body));
	};
	const response = Object.assign(rawRes, {
		status(code: number) {
			rawRes.statusCode = code;
			return response;
		},
		json(body: unknown) {
			write(body, 'json');
			return response;
		},
		send(body: unknown) {
			write(body, typeof body === 'object' && body !== null ? 'json' : 'text');
			return response;
		},
	});
	return { request, response, written: () => done };
}

export interface RawAnswer {
	status: number;
	body: string;
	json: unknown;
}

/**
 * One GET with exactly these request-line bytes (no URL normalisation): `path` may hold stray
 * '?', broken escapes or raw bytes. `host` 127.0.0.1 by default, or '::1'.
 */
export function rawGet(port: number, path: string | Buffer, host = '127.0.0.1'): Promise<RawAnswer> {
	const label = String(path).slice(0, 80);
	return new Promise((resolve, reject) => {
		const socket = net.connect({ port, host });
		const chunks: Buffer[] = [];
		socket.setTimeout(10_000, () => socket.destroy(new Error(`timeout on ${label}`)));
		socket.on('connect', () => {
			socket.write(Buffer.concat([Buffer.from('GET '), typeof path === 'string' ? Buffer.from(path, 'utf8') : path, Buffer.from(' HTTP/1.0\r\nHost: n8n.test\r\nConnection: close\r\n\r\n')]));
		});
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', reject);
		socket.on('close', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			if (!match) return reject(new Error(`no HTTP answer for ${label}: ${JSON.stringify(text.slice(0, 80))}`));
			const body = text.slice(text.indexOf('\r\n\r\n') + 4);
			let json: unknown;
			try {
				json = JSON.parse(body);
			} catch {
				json = undefined;
			}
			resolve({ status: Number(match[1]), body, json });
		});
	});
}

