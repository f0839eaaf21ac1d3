// Starts a real n8n (one of the pinned versions, on the Node it needs) with this package loaded,
// headless, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { resolveRuntime, type N8nLine } from './runtime';
import { freePort, isPortFree, poll, settlesWithin, StopPolling } from './util';

export interface StartN8nOptions {
	/** Folder of the package to link into the user folder (has package.json and dist/): the project root. */
	packageDir?: string;
	/**
	 * The package is already installed in `<userFolder>/.n8n/nodes` (see lib/install.ts): nothing is
	 * linked (then `userFolder` is required and `packageDir` is ignored).
	 */
	preinstalled?: boolean;
	/** Which pinned n8n (default: ESMS_E2E_N8N, else "2"). */
	line?: N8nLine;
	/** Editor/API port; a free one when omitted. Fails if the given port is taken. */
	port?: number;
	/** Task-runner broker port; a free one (distinct from `port`) when omitted. */
	brokerPort?: number;
	/** Extra environment for n8n (wins over the defaults below). */
	env?: Record<string, string>;
	/** The N8N_USER_FOLDER to use; a fresh temp folder (removed on stop) when omitted. */
	userFolder?: string;
	/** Where to copy n8n's stdout+stderr; `<userFolder>/n8n.log` when omitted. */
	logFile?: string;
	/** How long to wait for /healthz/readiness (default 120 s). */
	readyTimeoutMs?: number;
	/** Echo n8n's output to this process's stderr as it comes. */
	echo?: boolean;
	/**
	 * n8n's command: 'start' (default), or queue mode's 'worker' / 'webhook' (a worker answers
	 * readiness only with QUEUE_HEALTH_CHECK_ACTIVE=true and QUEUE_HEALTH_CHECK_PORT = `port`).
	 */
	command?: 'start' | 'worker' | 'webhook';
}

export interface N8nHandle {
	baseUrl: string;
	port: number;
	brokerPort: number;
	pid: number;
	userFolder: string;
	logFile: string;
	/** Settles when the n8n process exits (for whatever reason). */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Everything n8n wrote to stdout and stderr so far. */
	logs(): string;
	/** Resolves when n8n's output matches `pattern` (already written or later). */
	waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
	/** SIGTERM, then SIGKILL after `timeoutMs`; removes the temp user folder if it made one. */
	stop(timeoutMs?: number): Promise<void>;
	/** SIGKILL at once (n8n and its task runner), as a host that dies does: no graceful shutdown. */
	kill(): Promise<void>;
	/** The n8n version running, e.g. "2.41.1". */
	n8nVersion: string;
}

const PACKAGE_NAME = 'n8n-nodes-esms-voice';

/** The headless settings (see /work/shared/real-n8n.md). */
export function headlessEnv(port: number, brokerPort: number, userFolder: string): Record<string, string> {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: process.env.ESMS_E2E_N8N_LOG_LEVEL ?? 'debug',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		// jest sets NODE_ENV=test, which changes n8n's behaviour (task runners, logging): run it as in production.
		NODE_ENV: 'production',
	};
}

/** Settings a pinned n8n line needs on top of headlessEnv (see /work/shared/real-n8n.md). */
export function lineEnv(line: N8nLine): Record<string, string> {
	// n8n 1.123.81's default `vm` expression engine needs isolated-vm, which has no build for Node 20.
	return line === '1' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
}

/** Fails with a clear message when a package folder lacks a file its package.json lists for n8n. */
export function assertPackageBuilt(packageDir: string): void {
	const target = path.resolve(packageDir);
	const manifestFile = path.join(target, 'package.json');
	if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} is missing`);
	// n8n skips the whole package when one listed file is missing: say so before starting it.
	const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { n8n?: { nodes?: string[]; credentials?: string[] } };
	const listed = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = listed.filter((file) => !fs.existsSync(path.join(target, file)));
	if (listed.length === 0 || missing.length > 0) {
		throw new Error(
			`${target} is not built: ${missing.length ? `missing ${missing.join(', ')}` : 'package.json lists no n8n nodes'}` +
				' (run `npm run build` first; n8n refuses the whole package when one listed file is missing)',
		);
	}
}

/** Links `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-esms-voice` to the package folder. */
export function linkPackage(userFolder: string, packageDir: string): void {
	const target = path.resolve(packageDir);
	assertPackageBuilt(target);
	const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(modules, { recursive: true });
	const link = path.join(modules, PACKAGE_NAME);
	fs.rmSync(link, { force: true, recursive: true });
	fs.symlinkSync(target, link, 'dir');
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
	// Last resort when the test process dies without stop(): kill only what this module started.
	for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // n8n and its task runner (its own process group)
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

export async function startN8n(options: StartN8nOptions): Promise<N8nHandle> {
	const runtime = resolveRuntime(options.line);
	const port = options.port ?? (await freePort());
	if (options.port !== undefined && !(await isPortFree(port))) {
		throw new Error(`port ${port} is already in use on 127.0.0.1`);
	}
	const brokerPort = options.brokerPort ?? (await freePort([port]));
	if (brokerPort === port) throw new Error('the n8n port and the task-runner broker port must differ');

	const ownFolder = options.userFolder === undefined;
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'esms-n8n-'));
	fs.mkdirSync(userFolder, { recursive: true });
	if (options.preinstalled) {
		if (ownFolder) throw new Error('startN8n: `preinstalled` needs the `userFolder` the package was installed in');
		assertPackageBuilt(path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME));
	} else {
		if (!options.packageDir) throw new Error('startN8n: give `packageDir` (linked) or `preinstalled`');
		linkPackage(userFolder, options.packageDir);
	}

	const logFile = options.logFile ?? path.join(userFolder, 'n8n.log');
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'w' });
	const chunks: string[] = [];

	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const key of Object.keys(env)) {
		// An empty N8N_CUSTOM_EXTENSIONS makes n8n glob the working directory; npm_* come from `npm run`.
		if ((key === 'N8N_CUSTOM_EXTENSIONS' && !env[key]) || key.startsWith('npm_')) delete env[key];
	}
	Object.assign(env, headlessEnv(port, brokerPort, userFolder), lineEnv(runtime.line), options.env ?? {});
	env.PATH = `${runtime.nodeBinDir}${path.delimiter}${env.PATH ?? ''}`;

	const child = spawn(runtime.node, [runtime.n8nBin, options.command ?? 'start'], {
		cwd: userFolder,
		env,
		detached: true, // own process group, so stop() also reaches the task runner it spawns
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.once('exit', (code, signal) => {
			exited = { code, signal };
			running.delete(child);
			resolve(exited);
		});
	});
	const onData = (data: Buffer): void => {
		const text = data.toString('utf8');
		chunks.push(text);
		logStream.write(text);
		if (options.echo) process.stderr.write(text);
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);

	const logs = (): string => chunks.join('');
	const baseUrl = `http://127.0.0.1:${port}`;
	let stopped = false;

	const stop = async (timeoutMs = 20_000): Promise<void> => {
		if (stopped) return;
		stopped = true;
		if (!exited) {
			child.kill('SIGTERM');
			if (!(await settlesWithin(exitPromise, timeoutMs))) {
				killGroup(child, 'SIGKILL');
				await settlesWithin(exitPromise, 5000);
			}
		}
		killGroup(child, 'SIGKILL'); // leftover task runner, if any (ESRCH is ignored)
		await new Promise<void>((resolve) => logStream.end(resolve));
		if (ownFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	};

	const kill = async (): Promise<void> => {
		if (stopped) return;
		stopped = true;
		killGroup(child, 'SIGKILL');
		await settlesWithin(exitPromise, 10_000);
		await new Promise<void>((resolve) => logStream.end(resolve));
		if (ownFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	};

	const waitForLog = (pattern: RegExp, timeoutMs = 30_000): Promise<void> =>
		poll(async () => (pattern.test(logs()) ? true : undefined), { timeoutMs, what: `n8n log ${pattern}` }).then(
			() => undefined,
		);

	try {
		await poll(
			async () => {
				if (exited) {
					throw new StopPolling(`n8n exited early (code ${exited.code}, signal ${exited.signal})`);
				}
				const response = await fetch(`${baseUrl}/healthz/readiness`).catch(() => undefined);
				if (!response?.ok) return undefined;
				// Workers and webhook processors serve no REST API: readiness is all they have.
				if ((options.command ?? 'start') !== 'start') return true;
				// n8n 1.x answers readiness while it is still migrating, before its REST routes exist.
				const settings = await fetch(`${baseUrl}/rest/settings`).catch(() => undefined);
				return settings?.ok ? true : undefined;
			},
			{ timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 300, what: `n8n readiness on ${baseUrl}` },
		);
	} catch (error) {
		await stop(5000);
		const tail = logs().split('\n').slice(-40).join('\n');
		throw new Error(`${(error as Error).message}\n--- last lines of n8n's output ---\n${tail}`);
	}

	return {
		baseUrl,
		port,
		brokerPort,
		pid: child.pid ?? -1,
		userFolder,
		logFile,
		exited: exitPromise,
		logs,
		waitForLog,
		stop,
		kill,
		n8nVersion: runtime.n8nVersion,
	};
}
