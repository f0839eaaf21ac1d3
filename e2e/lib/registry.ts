// A local npm registry (verdaccio, from scripts/ensure-runtime.sh's cache) on 127.0.0.1, holding
// only what the suite publishes to it: `npm pack` of this package, then `npm publish` as a user.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { resolveNode24, resolveRegistryDir } from './runtime';
import { freePort, poll, settlesWithin, StopPolling } from './util';

const run = promisify(execFile);

/** The environment for an npm child: none of an enclosing `npm run`'s npm_* settings (the project's .npmrc). */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Runs npm (the machine's) and returns its stdout; the error names the command and npm's last lines. */
export async function npm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
	try {
		const { stdout } = await run('npm', args, { cwd: options.cwd, env: options.env ?? cleanNpmEnv(), maxBuffer: 16 * 1024 * 1024 });
		return stdout;
	} catch (error) {
		const e = error as Error & { stderr?: string; stdout?: string };
		const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
		throw new Error(`npm ${args.filter((a) => !a.includes('_authToken')).join(' ')} failed in ${options.cwd}:\n${tail}`);
	}
}

/** `npm pack` of a built package folder into `destination`; returns the tarball's path. */
export async function packPackage(packageDir: string, destination: string): Promise<string> {
	fs.mkdirSync(destination, { recursive: true });
	const out = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: packageDir });
	const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
	return path.join(destination, filename);
}

export interface LocalRegistry {
	/** e.g. http://127.0.0.1:4873/ */
	url: string;
	/** A publish token of the registry's one user. */
	token: string;
	/** An npmrc (--userconfig) that authenticates to this registry and to nothing else. */
	userconfig: string;
	logFile: string;
	/** `npm publish <tarball>` to this registry. */
	publish(tarball: string): Promise<void>;
	stop(): Promise<void>;
}

/** Starts verdaccio on a free loopback port with an empty storage and no uplinks (nothing is proxied). */
export async function startLocalRegistry(workDir?: string): Promise<LocalRegistry> {
	const registryDir = resolveRegistryDir();
	// verdaccio 6's dependencies want Node >= 22: it runs on the Node 24 of the runtime.
	const node = resolveNode24();
	const dir = workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'esms-registry-'));
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const config = path.join(dir, 'config.yaml');
	fs.writeFileSync(
		config,
		[
			`storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
			'auth:',
			'  htpasswd:',
			`    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
			'    max_users: 1',
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    unpublish: $authenticated',
			'web:',
			'  enable: false',
			'log: { type: stdout, format: json, level: warn }',
			'',
		].join('\n'),
	);
	const logFile = path.join(dir, 'verdaccio.log');
	const log = fs.openSync(logFile, 'w');
	const child: ChildProcess = spawn(
		node,
		[path.join(registryDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`],
		{ cwd: dir, env: cleanNpmEnv(), stdio: ['ignore', log, log], detached: true },
	);
	fs.closeSync(log);
	let exited = false;
	const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
	const url = `http://127.0.0.1:${port}/`;
	const stop = async (): Promise<void> => {
		if (exited || child.pid === undefined) return;
		process.kill(-child.pid, 'SIGTERM');
		if (!(await settlesWithin(exit, 5000))) process.kill(-child.pid, 'SIGKILL');
	};
	try {
		await poll(
			async () => {
				if (exited) throw new StopPolling(`verdaccio exited early:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
				const response = await fetch(`${url}-/ping`).catch(() => undefined);
				return response?.ok ? true : undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 200, what: `verdaccio on ${url}` },
		);
		// `npm adduser` does this: the user is created and gets a token.
		const user = 'esms-e2e';
		const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: user, password: 'esms-e2e-publish', email: 'e2e@esms-voice.local', type: 'user', roles: [] }),
		});
		const body = (await response.json()) as { token?: string };
		if (!response.ok || !body.token) throw new Error(`verdaccio refused to create the publishing user (${response.status})`);
		const userconfig = path.join(dir, 'npmrc');
		fs.writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${body.token}\n`, { mode: 0o600 });
		const publish = async (tarball: string): Promise<void> => {
			await npm(['publish', tarball, '--registry', url, '--userconfig', userconfig, '--provenance=false', '--ignore-scripts'], { cwd: dir });
		};
		return { url, token: body.token, userconfig, logFile, publish, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
