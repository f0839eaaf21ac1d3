/**
 * One-time process setup that n8n's server normally performs at startup,
 * reduced to what n8n-core's WorkflowExecute needs inside jest:
 *
 *  - N8N_USER_FOLDER → a fixed per-user dir under os.tmpdir(). n8n-core's node execution
 *    contexts `Container.get(InstanceSettings)`, which reads/creates `<folder>/.n8n/config`
 *    (encryption key). Without this it would write into $HOME/.n8n. The config file is
 *    pre-written atomically (tmp + rename) with a fixed test key (N8N_ENCRYPTION_KEY), so
 *    parallel jest workers never read a half-written file.
 *  - Expression engine pinned to 'legacy' (the in-process tournament evaluator).
 *    The server config default is 'vm' (isolated-vm), which is a native module that is
 *    not built here; n8n-workflow only uses it after `Expression.initExpressionEngine()`,
 *    which we never call.
 *  - The DI `Logger` (@n8n/backend-common) and n8n-workflow's `LoggerProxy` are replaced
 *    by a capturing logger. What it receives goes to the log list of the run whose async
 *    context it was called from (AsyncLocalStorage), so concurrent runs don't mix logs.
 *    Set HARNESS_LOG=1 to also print everything to the console.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { Expression, LoggerProxy } from 'n8n-workflow';

export interface LogEntry {
	level: string;
	message: string;
	meta?: unknown;
}

const logContext = new AsyncLocalStorage<LogEntry[]>();

class CapturingLogger {
	constructor(private readonly scopes: string[] = []) {}

	private write(level: string, message: string, meta?: unknown): void {
		const entry: LogEntry = { level, message };
		if (meta !== undefined) entry.meta = meta;
		if (this.scopes.length > 0) {
			entry.meta = { ...(typeof meta === 'object' && meta !== null ? meta : {}), scopes: this.scopes };
		}
		logContext.getStore()?.push(entry);
		if (process.env.HARNESS_LOG) {
			// eslint-disable-next-line no-console
			console.log(`[n8n:${level}] ${message}`, meta ?? '');
		}
	}

	error(message: string, meta?: unknown): void {
		this.write('error', message, meta);
	}

	warn(message: string, meta?: unknown): void {
		this.write('warn', message, meta);
	}

	info(message: string, meta?: unknown): void {
		this.write('info', message, meta);
	}

	debug(message: string, meta?: unknown): void {
		this.write('debug', message, meta);
	}

	scoped(scopes: string | string[]): CapturingLogger {
		return new CapturingLogger([...this.scopes, ...(Array.isArray(scopes) ? scopes : [scopes])]);
	}
}

const TEST_ENCRYPTION_KEY = 'n8n-test-harness-encryption-key';

let initialised = false;

export function ensureEngineInitialised(): void {
	if (initialised) return;
	initialised = true;

	if (!process.env.N8N_USER_FOLDER) {
		const user = process.getuid?.() ?? 'user';
		const folder = path.join(tmpdir(), `n8n-test-harness-${user}`);
		process.env.N8N_USER_FOLDER = folder;
		process.env.N8N_ENCRYPTION_KEY ??= TEST_ENCRYPTION_KEY;
		const n8nFolder = path.join(folder, '.n8n');
		const settingsFile = path.join(n8nFolder, 'config');
		if (!existsSync(settingsFile)) {
			mkdirSync(n8nFolder, { recursive: true });
			const tmpFile = `${settingsFile}.${process.pid}.tmp`;
			const settings = { encryptionKey: process.env.N8N_ENCRYPTION_KEY };
			writeFileSync(tmpFile, JSON.stringify(settings), { mode: 0o600 });
			renameSync(tmpFile, settingsFile);
		}
	}

	Expression.setExpressionEngine('legacy');

	const logger = new CapturingLogger();
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);
}

/** Runs `fn` with every n8n log line emitted in its async context appended to `sink`. */
export function withLogCapture<T>(sink: LogEntry[], fn: () => Promise<T>): Promise<T> {
	return logContext.run(sink, fn);
}
