// `npm run dev`: the eSMS simulator plus a real n8n with this package loaded, ready to click through.
//   npm run dev [-- --verbose]     (= node scripts/run-ts.js scripts/dev.ts: builds, installs the runtime, starts)
//   node scripts/run-ts.js scripts/dev.ts --no-build   skips `npm run build` and scripts/ensure-runtime.sh
// Each run starts from a fresh temporary n8n user folder (removed on exit): owner, credential, the
// `eSMS call ledger` Data table and the workflows of examples/ are recreated every time. Export anything you build in the editor.
// Environment: ESMS_SIM_PORT (default 8797), ESMS_DEV_N8N_PORT (default 5678); a free port is used
// when the default one is taken.
// Stopping: SIGINT or SIGTERM to any process of the tree stops all of it. The npm script `exec`s this
// file, so npm forwards its signals here; the build steps and n8n run in their own process groups and
// get the signal from here; n8n stopping stops the rest; so does the parent (npm) going away.
// Importable: `startDevEnvironment()` (or `new DevEnvironment()` + start()) sets up the same environment
// without printing the banner or touching signals (scripts/screenshots.ts uses it); main() runs only when
// this file is the entry point.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator } from '../simulator/src';
import { N8nClient, type CreatedCredential, type WorkflowJson } from '../e2e/lib/n8n-client';
import { startN8n, type N8nHandle } from '../e2e/lib/n8n-process';
import { EXAMPLES_DIR, exampleFiles, loadExample } from '../e2e/lib/examples';
import { PROJECT_ROOT } from '../e2e/lib/runtime';
import { packageDir } from '../e2e/lib/shared';
import { freePort, isPortFree } from '../e2e/lib/util';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../e2e/lib/workflows';

export const OWNER = { email: 'dev@esms-voice.local', password: 'EsmsVoice-dev1', firstName: 'Dev', lastName: 'User' };

async function pickPort(preferred: number, avoid: number[] = []): Promise<number> {
	if (!avoid.includes(preferred) && (await isPortFree(preferred))) return preferred;
	return await freePort(avoid);
}

function envPort(name: string, fallback: number): number {
	const value = process.env[name];
	if (value === undefined || value === '') return fallback;
	if (!/^\d+$/.test(value)) throw new Error(`${name} must be a port number`);
	return Number(value);
}

function isTriggerNode(node: Record<string, unknown>): boolean {
	const type = String(node.type ?? '');
	if (type === 'n8n-nodes-base.manualTrigger') return false;
	return /trigger$/i.test(type) || type === 'n8n-nodes-base.webhook';
}

export interface ImportedWorkflow {
	id: string;
	name: string;
	/** The name plus " (published)" / " (NOT published)" when it has a trigger. */
	label: string;
	/** examples/<file> */
	file: string;
	/** Whether it has a trigger and was published (false also when publishing failed). */
	published: boolean;
	nodes: Array<Record<string, unknown>>;
	/** Production URL of its eSMS Voice Trigger, if it has one. */
	triggerUrl?: string;
}

/** Imports examples/*.json as the e2e suite does: credential and the documented base URL swapped. */
/** The one-import campaign: its form and status page are printed in the banner. */
const CAMPAIGN_EXAMPLE = 'campaign-from-spreadsheet.json';

async function importExamples(client: N8nClient, credential: { id: string; name: string }): Promise<ImportedWorkflow[]> {
	if (!fs.existsSync(EXAMPLES_DIR)) {
		console.log('[dev] no examples/ folder: nothing to import');
		return [];
	}
	// As a user does: the workflows with an eSMS Voice Trigger first, then a Production URL pasted
	// into the Callback URL of the others: the trigger of the same family, else the first one (the
	// campaign builds its own from its trigger's fixed path).
	const hasEsmsTrigger = (file: string): boolean => fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8').includes(`"${NODE_TYPES.trigger}"`);
	const files = exampleFiles().sort((a, b) => Number(hasEsmsTrigger(b)) - Number(hasEsmsTrigger(a)));
	if (files.length === 0) console.log('[dev] examples/ has no workflow JSON: nothing to import');
	const imported: ImportedWorkflow[] = [];
	const triggers: Array<{ family: string; url: string }> = [];
	const family = (file: string): string => file.split('-')[0];
	for (const file of files) {
		let workflow: WorkflowJson;
		try {
			const callbackUrl = (triggers.find((t) => t.family === family(file)) ?? triggers[0])?.url;
			workflow = loadExample(file, credential, client.baseUrl, { callbackUrl });
		} catch (error) {
			console.warn(`[dev] WARNING: skipped examples/${file}: ${(error as Error).message}`);
			continue;
		}
		let id: string;
		try {
			id = (await client.createWorkflow(workflow)).id;
		} catch (error) {
			console.warn(`[dev] WARNING: could not import examples/${file}: ${client.redactor.redact((error as Error).message)}`);
			continue;
		}
		let published = false;
		let note = '';
		// The PostgreSQL campaign needs the user's own database: imported, left for them to publish.
		const needsDatabase = workflow.nodes.some((node) => (node.credentials as Record<string, unknown> | undefined)?.postgres !== undefined);
		if (needsDatabase) note = ' (not published: pick a Postgres credential, then publish)';
		else if (/trigger/i.test(workflow.name) || workflow.nodes.some(isTriggerNode)) {
			try {
				await client.activateWorkflow(id);
				published = true;
				note = ' (published)';
			} catch (error) {
				note = ' (NOT published)';
				console.warn(`[dev] WARNING: could not publish "${workflow.name}": ${client.redactor.redact((error as Error).message)}`);
			}
		}
		const trigger = workflow.nodes.find((node) => node.type === NODE_TYPES.trigger);
		// The trigger's Path option gives a fixed URL; else n8n's is <webhook ID>/esms-voice.
		const fixedPath = (trigger?.parameters as { options?: { path?: string } } | undefined)?.options?.path;
		const triggerUrl = fixedPath
			? `${client.baseUrl}/webhook/${fixedPath}`
			: trigger?.webhookId
				? `${client.baseUrl}/webhook/${String(trigger.webhookId)}/esms-voice`
				: undefined;
		if (triggerUrl && !fixedPath) triggers.push({ family: family(file), url: triggerUrl });
		imported.push({ id, name: workflow.name, label: `${workflow.name}${note}`, file, published, nodes: workflow.nodes, triggerUrl });
	}
	return imported;
}

export interface DevEnvironmentOptions {
	/** Simulator port; default ESMS_SIM_PORT or 8797 (a free port when taken). */
	simulatorPort?: number;
	/** n8n port; default ESMS_DEV_N8N_PORT or 5678 (a free port when taken). */
	n8nPort?: number;
	/** Task-runner broker port; default 5679 (a free port when taken). */
	brokerPort?: number;
	/** Default `.e2e-tmp/logs/n8n-dev.log`. */
	logFile?: string;
	/** Echo n8n's output and the simulator's log. */
	verbose?: boolean;
	/** Progress lines (default console.log). */
	log?: (line: string) => void;
}

/**
 * The simulator, n8n with this package, the owner, an API key, the "eSMS (simulator)" credential, the
 * examples (the campaign creates its own Data tables). stop() stops whatever has been started so far, so it may be called at any time
 * (a signal during start included); start() stops everything again when it fails.
 */
export class DevEnvironment {
	simulator?: EsmsSimulator;
	n8n?: N8nHandle;
	client?: N8nClient;
	credential?: CreatedCredential;
	imported: ImportedWorkflow[] = [];
	readonly logFile: string;
	private stopping?: Promise<void>;

	constructor(readonly options: DevEnvironmentOptions = {}) {
		this.logFile = options.logFile ?? path.join(PROJECT_ROOT, '.e2e-tmp', 'logs', 'n8n-dev.log');
	}

	get stopped(): boolean {
		return this.stopping !== undefined;
	}

	async start(): Promise<this> {
		const log = this.options.log ?? ((line: string) => console.log(line));
		const verbose = this.options.verbose ?? false;
		try {
			const simulator = new EsmsSimulator({
				port: this.options.simulatorPort ?? (await pickPort(envPort('ESMS_SIM_PORT', 8797))),
				outcomeByLastDigit: true,
				quiet: !verbose,
			});
			this.simulator = simulator;
			await simulator.start();
			this.assertRunning();

			const port = this.options.n8nPort ?? (await pickPort(envPort('ESMS_DEV_N8N_PORT', 5678), [simulator.port]));
			const brokerPort = this.options.brokerPort ?? (await pickPort(5679, [port, simulator.port]));
			log(`[dev] simulator on ${simulator.url}; starting n8n on port ${port} (log: ${this.logFile})…`);
			const started = Date.now();
			this.n8n = await startN8n({
				packageDir: packageDir(),
				line: '2', // the newest n8n, whatever ESMS_E2E_N8N the e2e matrix set
				port,
				brokerPort,
				logFile: this.logFile,
				echo: verbose,
				env: { N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info' },
			});
			if (this.stopped) await this.n8n.stop(); // a signal arrived while it was starting
			this.assertRunning();
			log(`[dev] n8n ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

			const client = new N8nClient(this.n8n.baseUrl);
			this.client = client;
			await client.setupOwner(OWNER);
			await client.createApiKey('dev');
			this.credential = await client.createCredential('eSMS (simulator)', CREDENTIAL_TYPE, {
				apiKey: DEFAULT_API_KEY,
				secretKey: DEFAULT_SECRET_KEY,
				useCustomBaseUrls: true,
				voiceBaseUrl: simulator.voiceBaseUrl,
				restBaseUrl: simulator.restBaseUrl,
			});
			this.imported = await importExamples(client, this.credential);
			this.assertRunning();
			return this;
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	/** Stops n8n (SIGTERM, then SIGKILL after 20 s) and the simulator; idempotent. */
	stop(): Promise<void> {
		this.stopping ??= (async () => {
			await this.n8n?.stop().catch((error: unknown) => console.error(`[dev] stopping n8n: ${(error as Error).message}`));
			await this.simulator?.stop().catch((error: unknown) => console.error(`[dev] stopping the simulator: ${(error as Error).message}`));
		})();
		return this.stopping;
	}

	private assertRunning(): void {
		if (this.stopped) throw new Error('stopped while starting');
	}
}

/** new DevEnvironment(options).start(): everything is stopped again if it fails. */
export async function startDevEnvironment(options: DevEnvironmentOptions = {}): Promise<DevEnvironment> {
	return await new DevEnvironment(options).start();
}

/** Runs a preparation step in its own process group; `signal` forwards a signal to that group. */
function runStep(command: string, args: string[]): { done: Promise<number | null>; signal: (signal: NodeJS.Signals) => void } {
	const child: ChildProcess = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', detached: true });
	const done = new Promise<number | null>((resolve) => {
		child.once('error', (error) => {
			console.error(`[dev] ${command}: ${error.message}`);
			resolve(1);
		});
		child.once('exit', (code, signal) => resolve(signal ? null : code));
	});
	const signal = (name: NodeJS.Signals): void => {
		try {
			if (child.pid) process.kill(-child.pid, name);
		} catch {
			// already gone
		}
	};
	return { done, signal };
}

function banner(env: Required<Pick<DevEnvironment, 'n8n' | 'simulator' | 'credential' | 'imported' | 'logFile'>>): string {
	const { n8n, simulator, credential, imported, logFile } = env;
	const trigger = imported.find((w) => w.triggerUrl);
	return [
		'',
		'  eSMS Voice dev environment',
		`  n8n editor    ${n8n.baseUrl}/`,
		`  login         ${OWNER.email} / ${OWNER.password}`,
		`  credential    "${credential.name}" (${CREDENTIAL_TYPE}, id ${credential.id}): pick it in the node's Credential field`,
		`  simulator     ${simulator.url}  (voice ${simulator.voiceBaseUrl}, rest ${simulator.restBaseUrl})`,
		'  phone ending  0: no answer, 2: answered + key 2, 9: failed, other: answered + key 1 (e.g. 0912345671)',
		'  recordings    1001, 1002 (Make Call → Recording ID)',
		'  templates     2001, 2002 (Make Call From Template → Template ID; variables separated by ||)',
		'  voice OTP     any content, e.g. "Your code is 123456"',
		...(trigger ? [`  callback URL  ${trigger.triggerUrl}  (trigger of "${trigger.name}")`] : []),
		...(imported.some((w) => w.file === CAMPAIGN_EXAMPLE && w.published)
			? [`  campaign      ${n8n.baseUrl}/form/esms-campaign  (upload a CSV or XLSX; status page ${n8n.baseUrl}/webhook/esms-campaign-status)`]
			: []),
		`  workflows     ${imported.length ? imported.map((w) => w.label).join(', ') : '(none)'}`,
		`  n8n log       ${logFile}`,
		'',
		'  Ctrl-C (or SIGTERM to npm, this script or n8n) stops everything.',
	].join('\n');
}

async function main(): Promise<void> {
	const env = new DevEnvironment({ verbose: process.argv.includes('--verbose') });
	let exiting = false;
	let step: ReturnType<typeof runStep> | undefined;
	const shutdown = async (code: number): Promise<void> => {
		if (exiting) return;
		exiting = true;
		console.log('\n[dev] stopping n8n and the simulator…');
		step?.signal('SIGTERM');
		await step?.done;
		await env.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	process.on('SIGHUP', () => void shutdown(0));
	// The parent (npm, a terminal, a process manager) went away without a signal reaching us.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) void shutdown(0);
	}, 1000).unref();

	try {
		if (!process.argv.includes('--no-build')) {
			for (const [command, args] of [
				['npm', ['run', 'build']],
				['bash', ['scripts/ensure-runtime.sh', '--n8n=2']],
			] as Array<[string, string[]]>) {
				step = runStep(command, args);
				const code = await step.done;
				step = undefined;
				if (exiting) return;
				if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code === null ? 'killed' : `exit code ${code}`})`);
			}
		}
		await env.start();
		const started = env as Required<DevEnvironment>;
		void started.n8n.exited.then(({ code, signal }) => {
			if (exiting) return;
			const stoppedBySignal = signal !== null || code === 0;
			if (stoppedBySignal) console.log(`[dev] n8n stopped (${signal ?? `code ${code}`}): stopping the rest`);
			else console.error(`[dev] n8n exited by itself (code ${code}); see ${started.logFile}`);
			void shutdown(stoppedBySignal ? 0 : 1);
		});
		console.log(banner(started));
	} catch (error) {
		if (exiting) return;
		console.error(`[dev] ${(error as Error).message}`);
		await shutdown(1);
	}
}

// run-ts.js sets process.argv[1] to the entry file; importing this module does not start anything.
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) void main();
