// Small helpers shared by the e2e library: free ports, polling, secret redaction.
import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (none of `avoid`). */
export async function freePort(avoid: readonly number[] = []): Promise<number> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.unref();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: bound } = server.address() as net.AddressInfo;
				server.close(() => resolve(bound));
			});
		});
		if (!avoid.includes(port)) return port;
	}
	throw new Error('could not find a free port');
}

/** Whether something already listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A Date whose UTC fields read Vietnam's wall clock at `ms` (UTC+7, no daylight saving). */
export const vietnamClock = (ms: number): Date => new Date(ms + 7 * 3_600_000);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The p-th percentile (nearest rank below) of `values`; 0 when there are none. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Whether `promise` settled within `ms` (the timer is cleared either way, so nothing lingers). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), ms);
	});
	try {
		return await Promise.race([promise.then(() => true as const), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Thrown by a poll probe to give up at once. */
export class StopPolling extends Error {}

/** Calls `probe` every `intervalMs` until it returns something other than undefined. */
export async function poll<T>(
	probe: () => Promise<T | undefined>,
	{ timeoutMs, intervalMs = 250, what }: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			if (error instanceof StopPolling) throw error;
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
		}
		await sleep(intervalMs);
	}
}

/**
 * Remembers secret strings and masks them in anything that may be printed. Credential values whose
 * field name looks secret (key, secret, password, token) are registered automatically by N8nClient.
 */
export class Redactor {
	private readonly secrets = new Set<string>();

	add(...values: unknown[]): void {
		for (const value of values) {
			if (typeof value === 'string' && value.length >= 4) this.secrets.add(value);
		}
	}

	addFromCredentialData(data: Record<string, unknown>): void {
		for (const [field, value] of Object.entries(data)) {
			if (/key|secret|password|token/i.test(field)) this.add(value);
		}
	}

	redact(text: string): string {
		let out = text;
		for (const secret of this.secrets) {
			out = out.split(secret).join('***');
			out = out.split(encodeURIComponent(secret)).join('***');
		}
		return out;
	}
}
