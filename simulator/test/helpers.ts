// Small helpers for tests that drive the simulator over HTTP (global fetch, Node 20).
import * as http from 'node:http';
import { EsmsSimulator, type SimulatorOptions } from '../src';

export interface CallbackReceiver {
	url: string;
	/** request.url of every hit (path + raw query, exactly as received). */
	hits: string[];
	close(): Promise<void>;
}

/** A callback receiver on 127.0.0.1 that answers the given statuses in turn, then 200. */
export async function startCallbackReceiver(statuses: number[] = []): Promise<CallbackReceiver> {
	const hits: string[] = [];
	const queue = [...statuses];
	const server = http.createServer((request, response) => {
		hits.push(request.url ?? '');
		response.writeHead(queue.shift() ?? 200, { Connection: 'close' });
		response.end('ok');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
		hits,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export function getVoice(sim: EsmsSimulator, endpoint: string, params: Record<string, string>): Promise<Response> {
	return fetch(`${sim.voiceBaseUrl}/${endpoint}?${new URLSearchParams(params).toString()}`);
}

export async function getVoiceJson(sim: EsmsSimulator, endpoint: string, params: Record<string, string>): Promise<unknown> {
	return (await getVoice(sim, endpoint, params)).json();
}

export async function postRestJson(sim: EsmsSimulator, endpoint: string, body: unknown): Promise<unknown> {
	const response = await fetch(`${sim.restBaseUrl}/${endpoint}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return response.json();
}

/**
 * Starters for a test file whose simulators and callback receivers are stopped after each test.
 * Call once at the top level of the file (it registers the afterEach).
 */
export function stoppedAfterEachTest(defaults: SimulatorOptions): {
	startSim(options?: SimulatorOptions): Promise<EsmsSimulator>;
	startReceiver(statuses?: number[]): Promise<CallbackReceiver>;
} {
	const running: Array<{ stop(): Promise<void> }> = [];
	afterEach(async () => {
		await Promise.all(running.splice(0).map((r) => r.stop()));
	});
	return {
		async startSim(options = {}) {
			const sim = new EsmsSimulator({ ...defaults, ...options });
			await sim.start();
			running.push(sim);
			return sim;
		},
		async startReceiver(statuses = []) {
			const receiver = await startCallbackReceiver(statuses);
			running.push({ stop: receiver.close });
			return receiver;
		},
	};
}
