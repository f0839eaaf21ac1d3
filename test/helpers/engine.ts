/**
 * Runs workflows through n8n-core's real `WorkflowExecute`, with credentials applied the
 * way the n8n server applies them. See bootstrap.ts for the process-level setup.
 *
 *   const result = await runWorkflow({
 *     nodes: [makeNode('Start', MANUAL_TRIGGER_TYPE, { items: [{ phone: '0912345678' }] }),
 *             makeNode('Call', 'n8n-nodes-esms-voice.esmsVoice', {...},
 *                      { credentials: { esmsApi: { id: '1', name: 'eSMS' } } })],
 *     connections: chain('Start', 'Call'),
 *     nodeTypes: [new EsmsVoice()],
 *     credentialTypes: [new EsmsApi()],          // or registerCredentialTypes([...]) once
 *     credentials: { esmsApi: { apiKey: 'k', secretKey: 's' } },
 *   });
 *   result.outputOf('Call')[0]  // items of main output 0
 */
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { ensureEngineInitialised, withLogCapture, type LogEntry } from './bootstrap';
import { CredentialTypeRegistry, TestCredentialsHelper } from './credentials';
import {
	MANUAL_TRIGGER_TYPE,
	TestNodeTypes,
	manualTriggerItems,
	type NodeTypeInput,
} from './node-types';

export { registerCredentialTypes } from './credentials';
export { MANUAL_TRIGGER_TYPE, HarnessManualTrigger, chain, makeNode } from './node-types';
export type { LogEntry } from './bootstrap';

export interface RunOptions {
	/** Full INode objects (see makeNode). They are deep-cloned; the engine never mutates yours. */
	nodes: INode[];
	connections: IConnections;
	/** Decrypted credential data by credential TYPE name, e.g. `{ esmsApi: {...} }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types for this run (in addition to registerCredentialTypes()). */
	credentialTypes?: ICredentialType[];
	/**
	 * Extra node types. Array: registered under `description.name` and
	 * `<package.json name>.<description.name>`. Record: type name → instance.
	 */
	nodeTypes?: NodeTypeInput[] | Record<string, NodeTypeInput>;
	/** Default: a fresh unique id per run. */
	executionId?: string;
	/** Workflow settings timezone. Default 'Asia/Ho_Chi_Minh'. */
	timezone?: string;
	/** Default: the first node. */
	startNodeName?: string;
	/** Default 'http://127.0.0.1:5678/webhook-waiting'. */
	webhookWaitingBaseUrl?: string;
	/** Workflow static data (mutated in place by the run; also returned as RunResult.staticData). */
	staticData?: IDataObject;
	/**
	 * Default 'manual' (the start trigger's trigger()/manualTriggerFunction is run).
	 * Other modes (e.g. 'trigger', 'webhook') seed the start node with the items of the
	 * harness manual trigger's `items` parameter (or one empty item) and pass them through.
	 */
	mode?: WorkflowExecuteMode;
	/** Extra workflow settings; default `{ executionOrder: 'v1', timezone }`. */
	settings?: IWorkflowSettings;
	workflowId?: string;
	/** Non-manual modes: the items the start node is seeded with (as n8n does with a webhook's output). */
	startItems?: INodeExecutionData[];
	/**
	 * Run as n8n's Retry of this failed execution (executions list → Retry, both "with currently
	 * saved" and "with original workflow"): its data as saved (a JSON copy), the execution's error
	 * removed and the failed node's last run dropped, run again in mode 'retry' under a new ID.
	 */
	retryOf?: IRun;
}

export interface RunResult {
	run: IRun;
	/** Main outputs of one run of a node (default: its last run). Throws if the node did not run. */
	outputOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	/** Error of the node's last run, if any. */
	errorOf(nodeName: string): ExecutionBaseError | undefined;
	/** run.data.resultData.error */
	error: ExecutionBaseError | undefined;
	/** Set if the execution was put to wait (status 'waiting'). */
	waitTill: Date | undefined;
	/** Everything logged through n8n's Logger / LoggerProxy during the run. */
	logs: LogEntry[];
	/** The workflow's static data after the run. */
	staticData: IDataObject;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const BASE_URL = 'http://127.0.0.1:5678';

function buildAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
	webhookWaitingBaseUrl: string,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new Error(`${what} is not available in the test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		workflowId,
		executeWorkflow: notAvailable('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask (task runners)'),
	};
}

/** What n8n's execution service hands to a retry (read in n8n 2.41.1 and 1.123.81). */
function retryExecutionData(failed: IRun): IRun['data'] {
	const data = JSON.parse(JSON.stringify(failed.data)) as IRun['data'];
	delete data.resultData.error;
	const lastNode = data.resultData.lastNodeExecuted;
	const runs = lastNode === undefined ? undefined : data.resultData.runData[lastNode];
	if (runs && runs.length > 0 && runs[runs.length - 1].error !== undefined) runs.pop();
	return data;
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	ensureEngineInitialised();

	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? randomUUID();
	const workflowId = options.workflowId ?? 'harness-workflow';
	const timezone = options.timezone ?? DEFAULT_TIMEZONE;
	const nodes = structuredClone(options.nodes);
	const settings: IWorkflowSettings = { executionOrder: 'v1', timezone, ...options.settings };
	const staticData = options.staticData ?? {};

	const nodeTypes = new TestNodeTypes(options.nodeTypes);
	const credentialsHelper = new TestCredentialsHelper(
		new CredentialTypeRegistry(options.credentialTypes),
		{ ...options.credentials },
	);

	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes,
		connections: options.connections,
		active: false,
		nodeTypes,
		settings,
		staticData,
	});
	credentialsHelper.workflow = workflow;

	const startNodeName = options.startNodeName ?? nodes[0]?.name;
	const startNode = startNodeName === undefined ? undefined : workflow.getNode(startNodeName);
	if (!startNode) throw new Error(`Start node "${startNodeName ?? ''}" not found in the workflow`);

	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: options.connections,
		settings,
		staticData,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const additionalData = buildAdditionalData(
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		options.webhookWaitingBaseUrl ?? `${BASE_URL}/webhook-waiting`,
	);

	const logs: LogEntry[] = [];
	const run = await withLogCapture(logs, async () => {
		if (options.retryOf) {
			return await new WorkflowExecute(additionalData, 'retry', retryExecutionData(options.retryOf)).processRunExecutionData(workflow);
		}
		if (mode === 'manual' && !options.startItems) {
			return await new WorkflowExecute(additionalData, mode).run({ workflow, startNode });
		}
		const items =
			options.startItems ?? (startNode.type === MANUAL_TRIGGER_TYPE ? manualTriggerItems(startNode) : [{ json: {} }]);
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: startNode, data: { main: [items] }, source: null }],
			},
		});
		return await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
			workflow,
		);
	});

	const runData = run.data.resultData.runData;
	const taskOf = (nodeName: string, runIndex?: number) => {
		const tasks = runData[nodeName];
		if (!tasks || tasks.length === 0) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const err = run.data.resultData.error;
			throw new Error(
				`Node "${nodeName}" did not run (nodes that ran: ${ran})` +
					(err ? `; execution error: ${err.message}` : ''),
			);
		}
		const index = runIndex ?? tasks.length - 1;
		const task = tasks[index];
		if (!task) throw new Error(`Node "${nodeName}" has no run #${index} (it ran ${tasks.length}x)`);
		return task;
	};

	return {
		run,
		outputOf(nodeName, runIndex) {
			const task = taskOf(nodeName, runIndex);
			if (!task.data) {
				const why = task.error ? `it failed: ${task.error.message}` : 'it produced no data';
				throw new Error(`Node "${nodeName}" has no output (${why})`);
			}
			return (task.data.main ?? []).map((items) => items ?? []);
		},
		errorOf(nodeName) {
			const tasks = runData[nodeName];
			return tasks?.[tasks.length - 1]?.error;
		},
		error: run.data.resultData.error,
		waitTill: run.waitTill ?? run.data.waitTill ?? undefined,
		logs,
		staticData: workflow.staticData,
	};
}
