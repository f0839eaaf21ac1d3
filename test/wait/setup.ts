/**
 * Shared setup for "Make Call and Wait for Result": the simulator, the workflow
 * [Start → eSMS Voice (→ Collect)], and `resumeExecution`, which continues a waiting execution in
 * n8n-core's WorkflowExecute the way n8n's server does.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { EsmsApi } from '../../credentials/EsmsApi.credentials';
import { deriveRequestId } from '../../nodes/EsmsVoice/actions/requestId';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { ensureEngineInitialised, withLogCapture, type LogEntry } from '../helpers/bootstrap';
import { CredentialTypeRegistry, TestCredentialsHelper } from '../helpers/credentials';
import { MANUAL_TRIGGER_TYPE, chain, makeNode, registerCredentialTypes, runWorkflow, type RunResult } from '../helpers/engine';
import { TestNodeTypes } from '../helpers/node-types';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';

registerCredentialTypes([new EsmsApi()]);

export const NODE_NAME = 'eSMS Voice';
export const NODE_ID = '5e5e5e5e-0000-4000-8000-00000000a1a1';
export const TIMEZONE = 'Asia/Ho_Chi_Minh';

export const rid = (executionId: string): string => deriveRequestId(executionId, NODE_ID, 0);

/** Test-only node that passes its input on (what a downstream node receives). */
export class Collect implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Collect',
		name: 'collect',
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Collect' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export interface SimHandle {
	sim: EsmsSimulator;
}

/** One simulator per file, reset before each test. */
export function useSimulator(options: SimulatorOptions = {}): SimHandle {
	const handle = {} as SimHandle;
	beforeAll(async () => {
		handle.sim = new EsmsSimulator({ callDelayMs: 20, callbackRetryDelayMs: 5, ...options });
		await handle.sim.start();
	});
	beforeEach(() => handle.sim.reset());
	afterAll(async () => {
		await handle.sim.stop();
	});
	return handle;
}

export interface WaitWorkflow {
	nodes: INode[];
	connections: ReturnType<typeof chain>;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	executionId: string;
	webhookWaitingBaseUrl: string;
}

export function waitWorkflow(
	sim: EsmsSimulator,
	params: INodeParameters,
	options: { items?: IDataObject[]; executionId?: string; webhookWaitingBaseUrl?: string; collect?: boolean } = {},
): WaitWorkflow {
	const nodes = [
		makeNode('Start', MANUAL_TRIGGER_TYPE, { items: (options.items ?? [{}]) as INodeParameters[] }),
		makeNode(
			NODE_NAME,
			'n8n-nodes-esms-voice.esmsVoice',
			{ resource: 'call', operation: 'makeCallAndWait', phone: '0912345678', recordingId: '1001', options: { networkRetryDelayMs: 1 }, ...params },
			{ id: NODE_ID, credentials: { esmsApi: { id: '1', name: 'eSMS' } } },
		),
	];
	if (options.collect) nodes.push(makeNode('Collect', 'n8n-nodes-esms-voice.collect', {}));
	return {
		nodes,
		connections: options.collect ? chain('Start', NODE_NAME, 'Collect') : chain('Start', NODE_NAME),
		credentials: {
			esmsApi: {
				apiKey: DEFAULT_API_KEY,
				secretKey: DEFAULT_SECRET_KEY,
				useCustomBaseUrls: true,
				voiceBaseUrl: sim.voiceBaseUrl,
				restBaseUrl: sim.restBaseUrl,
			},
		},
		executionId: options.executionId ?? `exec-${Math.random().toString(36).slice(2, 10)}`,
		webhookWaitingBaseUrl: options.webhookWaitingBaseUrl ?? 'https://n8n.example.com/webhook-waiting',
	};
}

export const NODE_TYPES = (): INodeType[] => [new EsmsVoice(), new Collect()];

export async function runWait(wf: WaitWorkflow): Promise<RunResult> {
	return await runWorkflow({
		nodes: wf.nodes,
		connections: wf.connections,
		nodeTypes: NODE_TYPES(),
		credentials: wf.credentials,
		executionId: wf.executionId,
		webhookWaitingBaseUrl: wf.webhookWaitingBaseUrl,
		timezone: TIMEZONE,
	});
}

/** The n8n Workflow object and additional data for a later stage of an execution (resume). */
export function engineFor(wf: WaitWorkflow, extra: Partial<IWorkflowExecuteAdditionalData> = {}) {
	ensureEngineInitialised();
	const nodes = structuredClone(wf.nodes);
	const settings = { executionOrder: 'v1' as const, timezone: TIMEZONE };
	const workflow = new Workflow({
		id: 'wait-workflow', name: 'Wait workflow', nodes, connections: wf.connections, active: false,
		nodeTypes: new TestNodeTypes(NODE_TYPES()), settings, staticData: {},
	});
	const credentialsHelper = new TestCredentialsHelper(new CredentialTypeRegistry(), { ...wf.credentials });
	credentialsHelper.workflow = workflow;
	const workflowData: IWorkflowBase = {
		id: 'wait-workflow', name: 'Wait workflow', active: false, isArchived: false, activeVersionId: null,
		createdAt: new Date(), updatedAt: new Date(), nodes, connections: wf.connections, settings, staticData: {},
	};
	const additionalData = {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks('manual', wf.executionId, workflowData),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId: wf.executionId,
		workflowId: 'wait-workflow',
		webhookWaitingBaseUrl: wf.webhookWaitingBaseUrl,
		formWaitingBaseUrl: 'https://n8n.example.com/form-waiting',
		instanceBaseUrl: 'https://n8n.example.com/',
		restApiUrl: 'https://n8n.example.com/rest',
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
		variables: {},
		currentNodeExecutionIndex: 0,
		getRunExecutionData: async () => undefined,
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, additionalData };
}

/**
 * Continues a waiting execution from its saved data, as n8n does:
 *  - `workflowData` given (resume webhook): like WaitingWebhooks + executeWebhook — the waiting
 *    node is disabled, waitTill cleared, its run popped and its stack entry's data replaced by
 *    the webhook's workflowData;
 *  - otherwise (time limit reached): like WaitTracker — the data as saved, WorkflowExecute
 *    itself disables the node and continues with the stack entry's data.
 */
export async function resumeExecution(
	wf: WaitWorkflow,
	saved: IRunExecutionData,
	workflowData?: INodeExecutionData[][],
): Promise<{ run: IRun; logs: LogEntry[] }> {
	const data = structuredClone(saved);
	if (workflowData) {
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.node.disabled = true;
		data.waitTill = undefined;
		data.resultData.runData[data.resultData.lastNodeExecuted as string].pop();
		entry.data.main = workflowData;
	}
	const { workflow, additionalData } = engineFor(wf);
	const logs: LogEntry[] = [];
	const run = await withLogCapture(logs, async () =>
		await new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(workflow),
	);
	return { run, logs };
}

/** Main output 0 of a node's last run. */
export function itemsOf(run: IRun, nodeName: string): IDataObject[] {
	const tasks = run.data.resultData.runData[nodeName] ?? [];
	const task = tasks[tasks.length - 1];
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}
