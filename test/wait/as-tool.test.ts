/**
 * "… and Wait for Result" as an AI tool, in n8n-core's real engine (WorkflowExecute, SupplyDataContext,
 * createNodeAsTool, engine requests), with two test-only stand-ins for the hosts:
 *  - ToolsInsideAgent calls its tools inside its own step, through getInputConnectionData, as AI Agent
 *    v1/v2 and the MCP Server Trigger do: the tool must refuse before any request to eSMS;
 *  - EngineRequestAgent asks the engine to run the tool as a step of the workflow (an EngineRequest),
 *    as AI Agent v3.x does: the tool places the call and the execution waits at the tool.
 * The tool variant of the node is made the way n8n's loader makes it for `usableAsTool` nodes.
 */
import { ExternalSecretsProxy, WebhookContext } from 'n8n-core';
import type {
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeConnectionTypes, WAIT_INDEFINITELY, Workflow } from 'n8n-workflow';

import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { ensureEngineInitialised } from '../helpers/bootstrap';
import { CredentialTypeRegistry, TestCredentialsHelper } from '../helpers/credentials';
import { MANUAL_TRIGGER_TYPE, makeNode, runWorkflow } from '../helpers/engine';
import { TestNodeTypes } from '../helpers/node-types';
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../../simulator/src';
import { useSimulator } from './setup';

const handle = useSimulator();
const TOOL = 'Call And Wait';
const AGENT = 'AI Agent';
const TOOL_TYPE = 'n8n-nodes-esms-voice.esmsVoiceTool';

/** The tool variant, as n8n's loader derives it from a `usableAsTool` node: no main input, one ai_tool output. */
function toolVariant(): INodeType {
	const node = new EsmsVoice();
	const description: INodeTypeDescription = {
		...node.description,
		name: 'esmsVoiceTool',
		displayName: 'eSMS Voice Tool',
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	delete description.usableAsTool;
	return { description, execute: node.execute, webhook: node.webhook };
}

const agentDescription = (name: string): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: 'test-only host of AI tools',
	defaults: { name },
	inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
});

/** Calls its tools inside its own step (AI Agent v1/v2; the MCP Server Trigger does the same in its webhook). */
class ToolsInsideAgent implements INodeType {
	description = agentDescription('toolsInsideAgent');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{ invoke(args: IDataObject): Promise<string> }>;
		try {
			return [[{ json: { toolAnswer: await tools[0].invoke({}) } }]];
		} catch (error) {
			return [[{ json: { toolError: (error as Error).message, description: (error as { description?: string }).description ?? null } }]];
		}
	}
}

/** Asks the engine to run the tool as a step (AI Agent v3.x), then outputs what the tool returned. */
class EngineRequestAgent implements INodeType {
	description = agentDescription('engineRequestAgent');

	async execute(this: IExecuteFunctions, response?: EngineResponse): Promise<INodeExecutionData[][] | EngineRequest> {
		if (!response?.actionResponses.length) {
			return {
				actions: [{ actionType: 'ExecutionNodeAction', nodeName: TOOL, input: {}, type: NodeConnectionTypes.AiTool, id: 'call_1', metadata: { itemIndex: 0 } }],
				metadata: {},
			};
		}
		const results = response.actionResponses.map((r) => r.data.data?.[NodeConnectionTypes.AiTool]?.[0]?.map((item) => item.json) ?? null);
		return [[{ json: { toolResults: results } as IDataObject }]];
	}
}

/** Serves its tools from its webhook, before any execution exists (the MCP Server Trigger). */
class ToolServingTrigger implements INodeType {
	description: INodeTypeDescription = {
		...agentDescription('toolServingTrigger'),
		group: ['trigger'],
		inputs: [NodeConnectionTypes.AiTool],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'mcp' }],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{ invoke(args: IDataObject): Promise<string> }>;
		try {
			return { webhookResponse: { toolAnswer: await tools[0].invoke({}) } };
		} catch (error) {
			return { webhookResponse: { toolError: (error as Error).message } };
		}
	}
}

function workflowWith(agentType: string, operation: string, parameters: IDataObject = {}) {
	const { sim } = handle;
	const tool = makeNode(
		TOOL,
		TOOL_TYPE,
		{ resource: 'call', operation, phone: '0912345678', recordingId: '1001', templateId: '2001', options: { networkRetryDelayMs: 1 }, ...parameters },
		{ credentials: { esmsApi: { id: '1', name: 'eSMS' } } },
	);
	return {
		nodes: [makeNode('Start', MANUAL_TRIGGER_TYPE, { items: [{}] }), makeNode(AGENT, `n8n-nodes-esms-voice.${agentType}`, {}), tool],
		connections: {
			Start: { main: [[{ node: AGENT, type: NodeConnectionTypes.Main, index: 0 }]] },
			[TOOL]: { [NodeConnectionTypes.AiTool]: [[{ node: AGENT, type: NodeConnectionTypes.AiTool, index: 0 }]] },
		},
		nodeTypes: { [TOOL_TYPE]: toolVariant(), [`n8n-nodes-esms-voice.${agentType}`]: agentType === 'toolsInsideAgent' ? new ToolsInsideAgent() : new EngineRequestAgent() },
		credentials: {
			esmsApi: { apiKey: DEFAULT_API_KEY, secretKey: DEFAULT_SECRET_KEY, useCustomBaseUrls: true, voiceBaseUrl: sim.voiceBaseUrl, restBaseUrl: sim.restBaseUrl },
		},
		executionId: 'exec-tool-1',
		webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
	};
}

const REFUSAL_DESCRIPTION = (title: string, instead: string) =>
	`Use ${instead} instead (it answers with the referenceId), then Get Status with that referenceId for the result. ${title} waits only where n8n runs the tool as a step of the workflow: as a tool of an AI Agent of version 3 or later.`;

/** The refusal item a tool answers inside an agent's step (or under Continue On Fail). */
const refusalItem = (title: string, instead: string, host: string) => ({
	error: `No call placed: ${title} cannot wait for the result inside "${host}", because n8n cannot resume a tool there`,
	description: REFUSAL_DESCRIPTION(title, instead),
	callPlaced: false,
});

describe("a tool called inside its host node's step (AI Agent v1/v2)", () => {
	test.each([
		['makeCallAndWait', 'Make Call and Wait for Result', 'Make Call'],
		['makeCallFromTemplateAndWait', 'Make Call From Template and Wait for Result', 'Make Call From Template'],
	])('%s refuses before any request to eSMS; its answer says why and what to use instead', async (operation, title, instead) => {
		const result = await runWorkflow(workflowWith('toolsInsideAgent', operation));

		expect(handle.sim.requests).toEqual([]);
		expect(result.run.status).toBe('success');
		expect(result.waitTill).toBeUndefined();
		// An answer, not an error: these agents give the model an empty text for a tool that throws.
		const [{ json }] = result.outputOf(AGENT)[0];
		expect(JSON.parse(json.toolAnswer as string)).toEqual([refusalItem(title, instead, AGENT)]);
	});

	test('the tools that do not wait still work there (Make Call places its call)', async () => {
		const result = await runWorkflow(workflowWith('toolsInsideAgent', 'makeCall'));
		expect(handle.sim.requestsTo('MakeCallRecord_V2')).toHaveLength(1);
		const [{ json }] = result.outputOf(AGENT)[0];
		expect(JSON.parse(json.toolAnswer as string)).toEqual([expect.objectContaining({ alreadyPlaced: false, code: '100', phone: '0912345678' })]);
	});
});

describe('a tool the engine runs as a step (AI Agent v3.x engine requests)', () => {
	test('places exactly one call with the resume URL as CallbackUrl; the execution waits at the tool', async () => {
		const result = await runWorkflow(workflowWith('engineRequestAgent', 'makeCallAndWait'));

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('waiting');
		expect(result.waitTill).toEqual(WAIT_INDEFINITELY);
		// n8n resumes at the node it ran last: the tool, whose resume webhook then handles the callback.
		expect(result.run.data.resultData.lastNodeExecuted).toBe(TOOL);
		const [request] = handle.sim.requestsTo('MakeCallRecord_V2');
		expect(handle.sim.requests).toHaveLength(1);
		const token = result.run.data.resumeToken as string;
		expect(request.query.CallbackUrl).toBe(`https://n8n.example.com/webhook-waiting/exec-tool-1?signature=${token}&esmsWait=1`);
		expect(result.run.data.executionData!.nodeExecutionStack[0].node.name).toBe(TOOL);
	});
});

describe('a tool served from a webhook before any execution exists (MCP Server Trigger)', () => {
	/** Runs the trigger's webhook as n8n's live-webhook handler does: no execution ID, no run data. */
	async function callThroughTrigger(operation: string, onError?: 'continueRegularOutput'): Promise<IWebhookResponseData> {
		ensureEngineInitialised();
		const wf = workflowWith('toolsInsideAgent', operation);
		if (onError) wf.nodes[2].onError = onError;
		const trigger = makeNode('MCP Server Trigger', 'n8n-nodes-esms-voice.toolServingTrigger', {}, { webhookId: 'mcp-1' });
		const nodeTypes = new TestNodeTypes({ ...wf.nodeTypes, 'n8n-nodes-esms-voice.toolServingTrigger': new ToolServingTrigger() });
		const workflow = new Workflow({
			id: 'mcp-workflow', name: 'MCP', nodes: [trigger, wf.nodes[2]], active: true, nodeTypes, staticData: {},
			connections: { [TOOL]: { [NodeConnectionTypes.AiTool]: [[{ node: trigger.name, type: NodeConnectionTypes.AiTool, index: 0 }]] } },
			settings: { executionOrder: 'v1', timezone: 'Asia/Ho_Chi_Minh' },
		});
		const credentialsHelper = new TestCredentialsHelper(new CredentialTypeRegistry(), { ...wf.credentials });
		credentialsHelper.workflow = workflow;
		const additionalData = {
			credentialsHelper, externalSecretsProxy: new ExternalSecretsProxy(), executionId: undefined, workflowId: 'mcp-workflow',
			webhookWaitingBaseUrl: wf.webhookWaitingBaseUrl, instanceBaseUrl: 'https://n8n.example.com/', restApiUrl: 'https://n8n.example.com/rest',
			webhookBaseUrl: 'https://n8n.example.com/webhook', webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
			formWaitingBaseUrl: 'https://n8n.example.com/form-waiting', variables: {}, currentNodeExecutionIndex: 0,
			getRunExecutionData: async () => undefined, httpRequest: { body: {} },
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: 'POST' as const, node: trigger.name, path: 'mcp', webhookDescription: new ToolServingTrigger().description.webhooks![0],
			workflowId: workflow.id, workflowExecuteAdditionalData: additionalData,
		};
		const ctx = new WebhookContext(workflow, trigger, additionalData, 'webhook', webhookData, [], null);
		return await new ToolServingTrigger().webhook.call(ctx);
	}

	test('Make Call and Wait for Result refuses before any request with an error naming the trigger', async () => {
		const answer = await callThroughTrigger('makeCallAndWait');

		expect(handle.sim.requests).toEqual([]);
		const title = 'Make Call and Wait for Result';
		expect(answer).toEqual({
			webhookResponse: {
				toolError: `No call placed: ${title} cannot wait for the result inside "MCP Server Trigger", because n8n cannot resume a tool there\n\nDetails: ${REFUSAL_DESCRIPTION(title, 'Make Call')}`,
			},
		});
	});

	test('under Continue On Fail the refusal is the answer, still without a request', async () => {
		const answer = await callThroughTrigger('makeCallFromTemplateAndWait', 'continueRegularOutput');

		expect(handle.sim.requests).toEqual([]);
		const { toolAnswer } = answer.webhookResponse as { toolAnswer: string };
		expect(JSON.parse(toolAnswer)).toEqual([
			refusalItem('Make Call From Template and Wait for Result', 'Make Call From Template', 'MCP Server Trigger'),
		]);
	});

	test('Make Call works there', async () => {
		const answer = await callThroughTrigger('makeCall');
		expect(handle.sim.requestsTo('MakeCallRecord_V2')).toHaveLength(1);
		expect(JSON.parse((answer.webhookResponse as { toolAnswer: string }).toolAnswer)).toEqual([expect.objectContaining({ code: '100', alreadyPlaced: false })]);
	});
});
