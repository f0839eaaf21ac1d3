// One n8n for the whole e2e run: jest's globalSetup starts it and writes a small state file whose
// path it puts in ESMS_E2E_STATE (inherited by the test workers); each test file connects to it.
// A test file run without the globalSetup starts (and later stops) an n8n of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nClient, type Owner } from './n8n-client';
import { startN8n, type N8nHandle } from './n8n-process';
import { PROJECT_ROOT } from './runtime';

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

interface SharedState {
	baseUrl: string;
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
}

/** Starts n8n with this package, creates the owner and an API key. */
export async function startInstance(
	options: { logFile?: string; echo?: boolean; env?: Record<string, string> } = {},
): Promise<StartedInstance> {
	const handle = await startN8n({ packageDir: packageDir(), logFile: options.logFile, echo: options.echo, env: options.env });
	try {
		const client = new N8nClient(handle.baseUrl);
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('e2e');
		return { handle, client };
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
		client.apiKey = state.apiKey;
		client.redactor.add(state.apiKey);
		if (state.session && Object.keys(state.session.cookies).length > 0) client.restoreSession(state.session.cookies);
		else await client.login(state.owner.email, state.owner.password);
		return {
			client,
			baseUrl: state.baseUrl,
			logs: () => fs.readFileSync(state.logFile, 'utf8'),
			close: async () => undefined,
		};
	}
	const { handle, client } = await startInstance();
	return { client, baseUrl: handle.baseUrl, logs: handle.logs, close: () => handle.stop() };
}
