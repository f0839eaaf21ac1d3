/**
 * Shared setup for the workflow suites: one eSMS simulator per test file, and `runEsms`, which
 * runs [Start (manual trigger with items) → eSMS Voice] in n8n-core's WorkflowExecute over HTTP.
 * Every run is checked for leaked keys (see assertNoSecrets), so every workflow test is also a
 * secrets test.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { EsmsApi } from '../../credentials/EsmsApi.credentials';
import { deriveRequestId } from '../../nodes/EsmsVoice/actions/requestId';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { MANUAL_TRIGGER_TYPE, chain, makeNode, registerCredentialTypes, runWorkflow, type LogEntry } from '../helpers/engine';
import type { RunOptions, RunResult } from '../helpers/engine';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';

registerCredentialTypes([new EsmsApi()]);

export const API_KEY = DEFAULT_API_KEY;
export const SECRET_KEY = DEFAULT_SECRET_KEY;
/** The credential part of every GET query string, as eSMS receives it. */
export const KEYS_QS = `ApiKey=${API_KEY}&SecretKey=${SECRET_KEY}`;
export const EXECUTION_ID = 'exec-1001';
export const NODE_ID = 'a1b2c3d4-0000-4000-8000-00000000e5e5';
export const NODE_NAME = 'eSMS Voice';
export const NODE_TYPE = 'n8n-nodes-esms-voice.esmsVoice';

/** The automatic request ID the node derives for item `i` of the default execution and node. */
export const rid = (i: number, executionId = EXECUTION_ID, nodeId = NODE_ID): string => deriveRequestId(executionId, nodeId, i);

/** Node options that keep fault tests fast. */
export const FAST = { networkRetryDelayMs: 1, timeoutSeconds: 1 };

let activeSim: EsmsSimulator | undefined;

export interface SimHandle {
	sim: EsmsSimulator;
}

/** Starts one simulator for the file; resets it before each test. */
export function useSimulator(options: SimulatorOptions = {}): SimHandle {
	const handle = {} as SimHandle;
	beforeAll(async () => {
		handle.sim = new EsmsSimulator({ callDelayMs: 20, callbackRetryDelayMs: 5, ...options });
		await handle.sim.start();
	});
	beforeEach(() => {
		handle.sim.reset();
		activeSim = handle.sim;
	});
	afterAll(async () => {
		await handle.sim.stop();
	});
	return handle;
}

export function credentialsFor(sim: EsmsSimulator, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		apiKey: API_KEY,
		secretKey: SECRET_KEY,
		useCustomBaseUrls: true,
		voiceBaseUrl: sim.voiceBaseUrl,
		restBaseUrl: sim.restBaseUrl,
		...extra,
	};
}

export interface EsmsRunOptions {
	items?: IDataObject[];
	/** Merged into the eSMS Voice node (onError, retryOnFail, id, …). */
	nodeExtra?: Partial<INode>;
	/** Merged into runWorkflow's options (executionId, timezone, …). */
	options?: Partial<RunOptions>;
	/** Merged into the credential data. */
	credentials?: ICredentialDataDecryptedObject;
	/** Another simulator than the file's own. */
	simulator?: EsmsSimulator;
	/** Skip the automatic leak check (only the secrets suite's own assertions). */
	skipSecretCheck?: boolean;
}

export interface EsmsRun {
	result: RunResult;
	/** Main output 0 of the eSMS node, or undefined when it failed. */
	items: INodeExecutionData[] | undefined;
	/** json of every output item. */
	json: IDataObject[];
	error: RunResult['error'];
	nodeError: ReturnType<RunResult['errorOf']>;
	logs: LogEntry[];
}

export async function runEsms(parameters: INodeParameters, run: EsmsRunOptions = {}): Promise<EsmsRun> {
	const sim = run.simulator ?? activeSim;
	if (!sim) throw new Error('runEsms: call useSimulator() in the test file');
	const nodes = [
		makeNode('Start', MANUAL_TRIGGER_TYPE, { items: (run.items ?? [{}]) as unknown as INodeParameters['items'] }),
		makeNode(NODE_NAME, NODE_TYPE, parameters, {
			id: NODE_ID,
			credentials: { esmsApi: { id: '1', name: 'eSMS' } },
			...run.nodeExtra,
		}),
	];
	const result = await runWorkflow({
		nodes,
		connections: chain('Start', NODE_NAME),
		nodeTypes: [new EsmsVoice()],
		credentials: { esmsApi: credentialsFor(sim, run.credentials) },
		executionId: EXECUTION_ID,
		...run.options,
	});
	let items: INodeExecutionData[] | undefined;
	try {
		items = result.outputOf(NODE_NAME)[0];
	} catch {
		items = undefined;
	}
	const out: EsmsRun = {
		result,
		items,
		json: (items ?? []).map((item) => item.json),
		error: result.error,
		nodeError: result.errorOf(NODE_NAME),
		logs: result.logs,
	};
	if (!run.skipSecretCheck) assertNoSecrets(out);
	return out;
}

/** Every string reachable from `value`, including non-enumerable own properties (message, stack, cause). */
export function deepText(value: unknown): string {
	const seen = new Set<unknown>();
	const parts: string[] = [];
	const walk = (v: unknown, depth: number): void => {
		if (depth > 30) return;
		if (typeof v === 'string') {
			parts.push(v);
			return;
		}
		if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
			parts.push(String(v));
			return;
		}
		if (typeof v !== 'object' || v === null || seen.has(v)) return;
		seen.add(v);
		for (const key of Object.getOwnPropertyNames(v)) {
			parts.push(key);
			let child: unknown;
			try {
				child = (v as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			walk(child, depth + 1);
		}
	};
	walk(value, 0);
	return parts.join('\n');
}

export const SECRET_MARKERS = [...new Set([API_KEY, SECRET_KEY, encodeURIComponent(API_KEY), encodeURIComponent(SECRET_KEY), 'ApiKey=', 'SecretKey='])];

/** The text a user (or a log) could see from a run: outputs, errors (whole objects) and logs. */
export function visibleText(run: EsmsRun): string {
	return [
		JSON.stringify(run.items ?? null),
		deepText(run.items ?? null),
		deepText(run.error ?? null),
		deepText(run.nodeError ?? null),
		deepText(run.result.run.data.resultData),
		deepText(run.logs),
	].join('\n');
}

export function leakedMarkers(run: EsmsRun): string[] {
	const text = visibleText(run);
	return SECRET_MARKERS.filter((marker) => text.includes(marker));
}

export function assertNoSecrets(run: EsmsRun): void {
	const leaked = leakedMarkers(run);
	if (leaked.length > 0) throw new Error(`Secrets leaked into the run's visible text: ${leaked.join(', ')}`);
}

/** The pairedItem indexes of the output, in order. */
export function pairedIndexes(items: INodeExecutionData[] | undefined): unknown[] {
	return (items ?? []).map((item) => item.pairedItem);
}

/** Calls the simulator accepted (answered 100) on an endpoint. */
export function acceptedCalls(sim: EsmsSimulator, endpoint: Parameters<EsmsSimulator['requestsTo']>[0]): number {
	return sim.requestsTo(endpoint).filter((r) => r.code === '100').length;
}

/** Parameters of a Make Call node (recording), with overrides. */
export function makeCallParams(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'call',
		operation: 'makeCall',
		phone: '={{ $json.phone }}',
		recordingId: '1001',
		...overrides,
	};
}

export const MAKE_CALL = 'MakeCallRecord_V2' as const;
export const MAKE_TEMPLATE_CALL = 'MakeCallTemplate_V2' as const;
