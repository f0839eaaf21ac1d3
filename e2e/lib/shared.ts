// One n8n for the whole e2e run: jest's globalSetup starts it and writes a small state file whose
// path it puts in ESMS_E2E_STATE (inherited by the test workers); each test file connects to it.
// A test file run without the globalSetup starts (and later stops) an n8n of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as os from 'node:os';

import { installFromLocalRegistry, type InstalledPackage } from './install';
import { N8nClient, type Owner } from './n8n-client';
import { startN8n, type N8nHandle } from './n8n-process';
import { PROJECT_ROOT, selectedLine, type N8nLine } from './runtime';

export const STATE_ENV = 'ESMS_E2E_STATE';
export const E2E_TMP = path.join(PROJECT_ROOT, '.e2e-tmp');

export const E2E_OWNER: Owner = {
	email: 'e2e@esms-voice.local',
	password: 'EsmsVoice-e2e1',
	firstName: 'E2E',
	lastName: 'Owner',
};

/** The package n8n loads: the project root, or ESMS_E2E_PACKAGE_DIR (e.g. an unpacked `npm pack`). */
export function packageDir(): string {
	return process.env.ESMS_E2E_PACKAGE_DIR ? path.resolve(process.env.ESMS_E2E_PACKAGE_DIR) : PROJECT_ROOT;
}

/**
 * How the package reaches n8n: "registry" (default: packed, published to a local npm registry and
 * installed as n8n's installer does, see lib/install.ts) or "link" (a symlink to packageDir(), fast,
 * for `npm run dev`-style work). ESMS_E2E_PACKAGE_SOURCE overrides the default.
 */
export type PackageSource = 'registry' | 'link';

export function packageSource(): PackageSource {
	const value = process.env.ESMS_E2E_PACKAGE_SOURCE ?? 'registry';
	if (value !== 'registry' && value !== 'link') throw new Error(`ESMS_E2E_PACKAGE_SOURCE must be "registry" or "link", not ${value}`);
	return value;
}

interface SharedState {
	baseUrl: string;
	/** e.g. "2.41.1" */
	n8nVersion: string;
	line: N8nLine;
	source: PackageSource;
	/** Where n8n loads the package from (the installed folder, or the linked source tree). */
	packagePath: string;
	/** The published tarball (registry source only). */
	tarball?: string;
	logFile: string;
	apiKey: string;
	owner: Owner;
	pid: number;
	/** The owner's cookie session (test files reuse it instead of logging in: /rest/login is rate-limited). */
	session?: { browserId: string; cookies: Record<string, string> };
}

export interface StartedInstance {
	handle: N8nHandle;
	client: N8nClient;
	line: N8nLine;
	source: PackageSource;
	/** Set when the package was installed from the local registry. */
	installed?: InstalledPackage;
}

/** Starts n8n (ESMS_E2E_N8N's line) with this package, creates the owner and an API key. */
export async function startInstance(
	options: { logFile?: string; echo?: boolean; env?: Record<string, string>; line?: N8nLine; source?: PackageSource } = {},
): Promise<StartedInstance> {
	const line = options.line ?? selectedLine();
	const source = options.source ?? packageSource();
	let installed: InstalledPackage | undefined;
	let userFolder: string | undefined;
	if (source === 'registry') {
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-n8n-'));
		installed = await installFromLocalRegistry(packageDir(), userFolder, path.join(E2E_TMP, `install-${process.pid}`));
	}
	const handle = await startN8n({
		packageDir: packageDir(),
		preinstalled: source === 'registry',
		userFolder,
		line,
		logFile: options.logFile,
		echo: options.echo,
		env: options.env,
	});
	if (userFolder) {
		// startN8n removes only user folders it made itself.
		const stop = handle.stop;
		const folder = userFolder;
		handle.stop = async (timeoutMs?: number) => {
			await stop(timeoutMs);
			fs.rmSync(folder, { recursive: true, force: true });
		};
	}
	try {
		const client = new N8nClient(handle.baseUrl);
		client.n8nVersion = handle.n8nVersion;
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('e2e');
		return { handle, client, line, source, installed };
	} catch (error) {
		await handle.stop();
		throw error;
	}
}

/** For globalSetup: start the shared instance and publish its state file. */
export async function startSharedInstance(): Promise<StartedInstance & { stateFile: string }> {
	fs.mkdirSync(path.join(E2E_TMP, 'logs'), { recursive: true });
	const logFile = path.join(E2E_TMP, 'logs', 'n8n-e2e.log');
	const instance = await startInstance({ logFile, echo: process.env.ESMS_E2E_ECHO === '1' });
	const state: SharedState = {
		baseUrl: instance.handle.baseUrl,
		n8nVersion: instance.handle.n8nVersion,
		line: instance.line,
		source: instance.source,
		packagePath: instance.installed?.directory ?? packageDir(),
		tarball: instance.installed?.tarball,
		logFile,
		apiKey: instance.client.apiKey ?? '',
		owner: E2E_OWNER,
		pid: instance.handle.pid,
		session: instance.client.session(),
	};
	const stateFile = path.join(E2E_TMP, `e2e-state-${process.pid}.json`);
	fs.writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
	process.env[STATE_ENV] = stateFile;
	return { ...instance, stateFile };
}

export interface Connection {
	client: N8nClient;
	baseUrl: string;
	/** The n8n version running, e.g. "2.41.1" (tests whose feature differs per version branch on it). */
	n8nVersion: string;
	/** How the package reached n8n, and the folder n8n loads it from. */
	source: PackageSource;
	packagePath: string;
	/** n8n's whole output so far (read from its log file). */
	logs(): string;
	/** Stops n8n if this connection started it; otherwise a no-op. */
	close(): Promise<void>;
}

/** For test files: a logged-in client of the shared n8n (or of a private one when there is none). */
export async function connectN8n(): Promise<Connection> {
	const stateFile = process.env[STATE_ENV];
	if (stateFile && fs.existsSync(stateFile)) {
		const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SharedState;
		const client = new N8nClient(state.baseUrl, state.session?.browserId);
		client.n8nVersion = state.n8nVersion;
		client.apiKey = state.apiKey;
		client.redactor.add(state.apiKey);
		if (state.session && Object.keys(state.session.cookies).length > 0) client.restoreSession(state.session.cookies);
		else await client.login(state.owner.email, state.owner.password);
		return {
			client,
			baseUrl: state.baseUrl,
			n8nVersion: state.n8nVersion,
			source: state.source,
			packagePath: state.packagePath,
			logs: () => fs.readFileSync(state.logFile, 'utf8'),
			close: async () => undefined,
		};
	}
	const { handle, client, source, installed } = await startInstance();
	return {
		client,
		baseUrl: handle.baseUrl,
		n8nVersion: handle.n8nVersion,
		source,
		packagePath: installed?.directory ?? packageDir(),
		logs: handle.logs,
		close: () => handle.stop(),
	};
}
