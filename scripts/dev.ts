// `npm run dev`: the eSMS simulator plus a real n8n with this package loaded, ready to click through.
//   npm run build && bash scripts/ensure-runtime.sh && node scripts/run-ts.js scripts/dev.ts [--verbose]
// Each run starts from a fresh temporary n8n user folder (removed on exit): owner, credential and the
// workflows of examples/ are recreated every time. Export anything you build in the editor.
// Environment: ESMS_SIM_PORT (default 8797), ESMS_DEV_N8N_PORT (default 5678); a free port is used
// when the default one is taken.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator } from '../test/simulator';
import { N8nClient, type WorkflowJson } from '../e2e/lib/n8n-client';
import { startN8n, type N8nHandle } from '../e2e/lib/n8n-process';
import { PROJECT_ROOT } from '../e2e/lib/runtime';
import { packageDir } from '../e2e/lib/shared';
import { freePort, isPortFree } from '../e2e/lib/util';
import { CREDENTIAL_TYPE } from '../e2e/lib/workflows';

const OWNER = { email: 'dev@esms-voice.local', password: 'EsmsVoice-dev1', firstName: 'Dev', lastName: 'User' };
const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
const verbose = process.argv.includes('--verbose');

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

/** Only what the public API accepts, with every eSMS credential pointed at the dev credential. */
function prepareExample(raw: Record<string, unknown>, credential: { id: string; name: string }, file: string): WorkflowJson {
	const nodes = ((raw.nodes as Array<Record<string, unknown>>) ?? []).map((node) => {
		const credentials = node.credentials as Record<string, unknown> | undefined;
		if (!credentials || !(CREDENTIAL_TYPE in credentials)) return node;
		return { ...node, credentials: { ...credentials, [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } } };
	});
	return {
		name: typeof raw.name === 'string' && raw.name ? raw.name : path.basename(file, '.json'),
		nodes,
		connections: (raw.connections as Record<string, unknown>) ?? {},
		settings: { executionOrder: 'v1' },
	};
}

async function importExamples(client: N8nClient, credential: { id: string; name: string }): Promise<string[]> {
	if (!fs.existsSync(EXAMPLES_DIR)) {
		console.log('[dev] no examples/ folder: nothing to import');
		return [];
	}
	const files = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
	if (files.length === 0) console.log('[dev] examples/ has no workflow JSON: nothing to import');
	const imported: string[] = [];
	for (const file of files) {
		let workflow: WorkflowJson;
		try {
			workflow = prepareExample(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')), credential, file);
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
		let note = '';
		if (/trigger/i.test(workflow.name) || workflow.nodes.some(isTriggerNode)) {
			try {
				await client.activateWorkflow(id);
				note = ' (published)';
			} catch (error) {
				note = ' (NOT published)';
				console.warn(`[dev] WARNING: could not publish "${workflow.name}": ${client.redactor.redact((error as Error).message)}`);
			}
		}
		imported.push(`${workflow.name}${note}`);
	}
	return imported;
}

async function main(): Promise<void> {
	const simulator = new EsmsSimulator({
		port: await pickPort(envPort('ESMS_SIM_PORT', 8797)),
		outcomeByLastDigit: true,
		quiet: !verbose,
	});
	await simulator.start();
	let n8n: N8nHandle | undefined;
	let stopping = false;
	const shutdown = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		console.log('\n[dev] stopping n8n and the simulator…');
		await n8n?.stop().catch((error: unknown) => console.error(`[dev] stopping n8n: ${(error as Error).message}`));
		await simulator.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		const port = await pickPort(envPort('ESMS_DEV_N8N_PORT', 5678));
		const brokerPort = await pickPort(5679, [port]);
		const logFile = path.join(PROJECT_ROOT, '.e2e-tmp', 'logs', 'n8n-dev.log');
		console.log(`[dev] simulator on ${simulator.url}; starting n8n on port ${port} (log: ${logFile})…`);
		const started = Date.now();
		n8n = await startN8n({
			packageDir: packageDir(),
			port,
			brokerPort,
			logFile,
			echo: verbose,
			env: { N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info' },
		});
		console.log(`[dev] n8n ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		void n8n.exited.then(({ code, signal }) => {
			if (stopping) return;
			console.error(`[dev] n8n exited by itself (code ${code}, signal ${signal}); see ${logFile}`);
			void shutdown(1);
		});

		const client = new N8nClient(n8n.baseUrl);
		await client.setupOwner(OWNER);
		await client.createApiKey('dev');
		const credential = await client.createCredential('eSMS (simulator)', CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY,
			secretKey: DEFAULT_SECRET_KEY,
			useCustomBaseUrls: true,
			voiceBaseUrl: simulator.voiceBaseUrl,
			restBaseUrl: simulator.restBaseUrl,
		});
		const imported = await importExamples(client, credential);

		console.log(
			[
				'',
				'  eSMS Voice dev environment',
				`  n8n editor   ${n8n.baseUrl}/`,
				`  login        ${OWNER.email} / ${OWNER.password}`,
				`  credential   "${credential.name}" (${CREDENTIAL_TYPE}, id ${credential.id}) → simulator`,
				`  simulator    ${simulator.url}  (voice ${simulator.voiceBaseUrl}, rest ${simulator.restBaseUrl})`,
				'               phone ending 0: no answer, 2: IVR key 2, 9: failed, other: answered + key 1',
				`  workflows    ${imported.length ? imported.join(', ') : '(none)'}`,
				`  n8n log      ${logFile}`,
				'',
				'  Ctrl-C stops everything.',
			].join('\n'),
		);
	} catch (error) {
		console.error(`[dev] ${(error as Error).message}`);
		await shutdown(1);
	}
}

void main();
