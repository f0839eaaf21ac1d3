// "… and Wait for Result" offered to AI models, in a real n8n: through n8n's MCP Server Trigger (an
// MCP client) and as a tool of n8n's AI Agent (the last version of generations 1 and 2, every 3.x of
// the n8n line), the model being a local OpenAI-compatible stand-in (lib/model-stand-in.ts). Where n8n cannot resume the tool, the tool
// refuses before any request to eSMS and the model reads why and what to use instead; where it can
// (AI Agent v3.x: n8n runs the tool as a step of the workflow), the call is placed with the
// execution's resume URL, the execution waits, and the model receives the call's result.
import { randomUUID } from 'node:crypto';

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { answeredCallbackRaw, answeredCallResult, ISO_TIMESTAMP } from '../test/fixtures/call-result';
import { AGENT_NODE, AGENT_TYPE, agentWorkflow, standInModelCredential } from './lib/agent';
import { loadExample } from './lib/examples';
import { AGENT_EXAMPLE, connectMcpClient, mcpToolWorkflow, TOOL_TYPE } from './lib/mcp';
import { FINAL_ANSWER_PREFIX, ModelStandIn, scriptedPrompt } from './lib/model-stand-in';
import type { CreatedCredential } from './lib/n8n-client';
import { nodeOutput } from './lib/n8n-client';
import { maskKeys, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { selectedLine } from './lib/runtime';
import { uniquePath } from './lib/workflows';

const WAIT_TOOL = 'Call And Wait';
const TEMPLATE_WAIT_TOOL = 'Call From Template And Wait';
const TOOL_NAMES = { [WAIT_TOOL]: 'Call_And_Wait', [TEMPLATE_WAIT_TOOL]: 'Call_From_Template_And_Wait' } as const;
const RECORDING = { title: 'Make Call and Wait for Result', instead: 'Make Call' };
const TEMPLATE = { title: 'Make Call From Template and Wait for Result', instead: 'Make Call From Template' };

/** The refusal, as the node words it (nodes/EsmsVoice/actions/call/waitHere.ts). */
function refusal(operation: typeof RECORDING, host: string): { message: string; description: string } {
	return {
		message: `No call placed: ${operation.title} cannot wait for the result inside "${host}", because n8n cannot resume a tool there`,
		description: `Use ${operation.instead} instead (it answers with the referenceId), then Get Status with that referenceId for the result. ${operation.title} waits only where n8n runs the tool as a step of the workflow: as a tool of an AI Agent of version 3 or later.`,
	};
}

/** The two wait tools, the model filling the phone (and the recording or the name). */
function waitTools(credential: Pick<CreatedCredential, 'id' | 'name'>): Array<Record<string, unknown>> {
	const phone = "={{ $fromAI('phone', 'Vietnamese phone number of the customer', 'string') }}";
	const tool = (name: string, parameters: Record<string, unknown>, x: number) => ({
		id: randomUUID(),
		name,
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [x, 240],
		webhookId: randomUUID(),
		parameters: { resource: 'call', descriptionType: 'manual', phone, additionalFields: {}, options: {}, ...parameters },
		credentials: { esmsApi: { id: credential.id, name: credential.name } },
	});
	return [
		tool(WAIT_TOOL, {
			operation: 'makeCallAndWait',
			toolDescription: 'Places a REAL, PAID call playing a recording and waits for its result.',
			recordingId: "={{ $fromAI('recordingId', 'ID of the approved recording', 'string') }}",
		}, 400),
		tool(TEMPLATE_WAIT_TOOL, {
			operation: 'makeCallFromTemplateAndWait',
			toolDescription: 'Places a REAL, PAID text-to-speech call with the customer name and waits for its result.',
			templateId: '2001',
			variables: { variable: [{ value: "={{ $fromAI('customerName', 'Name of the customer', 'string') }}" }] },
		}, 600),
	];
}

type ToolResult = { content?: Array<{ type: string; text?: string }>; isError?: boolean };

describe('the Wait for Result tools offered to AI models', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	let model: ModelStandIn;
	let modelCredential: CreatedCredential;
	const line = selectedLine();
	/** n8n 2.x names the error class in the text a tool's error becomes, n8n 1.x says "Error". */
	const errorClass = line === '1' ? 'Error' : 'NodeOperationError';

	beforeAll(async () => {
		scenario = await Scenario.connect();
		expect(scenario.n8n.n8nVersion.startsWith(`${line}.`)).toBe(true);
		esms = await scenario.simulator('wait-tool', { callDelayMs: 4000 });
		model = new ModelStandIn();
		await model.start();
		modelCredential = await standInModelCredential(scenario.client, model);
	});

	afterAll(async () => {
		await model?.stop();
		await scenario?.close();
	});

	describe("through n8n's MCP Server Trigger", () => {
		let client: Client;
		let workflowId: string;

		beforeAll(async () => {
			const path = uniquePath('mcp-wait');
			workflowId = await scenario.workflow(mcpToolWorkflow('e2e wait tool: MCP', path, waitTools(esms.credential)));
			client = await connectMcpClient(`${scenario.baseUrl}/mcp/${path}`);
		});

		afterAll(async () => {
			await client?.close();
		});

		test.each([
			[WAIT_TOOL, RECORDING, { phone: '0912345671', recordingId: '1001' }],
			[TEMPLATE_WAIT_TOOL, TEMPLATE, { phone: '0912345671', customerName: 'Nguyễn Văn An' }],
		] as const)('%s refuses before any request to eSMS; the MCP client reads why and what to use instead', async (tool, operation, args) => {
			const before = esms.sim.requests.length;
			const known = await scenario.executionIds(workflowId);
			const result = (await client.callTool({ name: TOOL_NAMES[tool], arguments: args })) as ToolResult;

			expect(esms.sim.requests.slice(before)).toEqual([]);
			expect(result.isError).toBe(true);
			const { message, description } = refusal(operation, 'MCP Server Trigger');
			expect(result.content).toEqual([{ type: 'text', text: `${errorClass}: ${message}\n\nDetails: ${description}` }]);
			// Nothing is left waiting and nothing crashes afterwards.
			const ids = (await scenario.idsAfterSettling(workflowId)).filter((id) => !known.includes(id));
			for (const id of ids) expect((await scenario.client.getExecution(id, false)).status).not.toMatch(/waiting|crashed/);
		});
	});

	/** Runs the agent workflow with a prompt that makes the model call `tool` with `args`; returns the finished execution. */
	async function runAgent(agentVersion: number, tool: keyof typeof TOOL_NAMES, args: Record<string, unknown>) {
		const path = uniquePath(`agent-v${agentVersion}`);
		const workflowId = await scenario.workflow(agentWorkflow(`e2e wait tool: AI Agent v${agentVersion}`, path, agentVersion, modelCredential, waitTools(esms.credential)));
		const before = { esms: esms.sim.requests.length, model: model.requests.length };
		const response = await scenario.client.callWebhook(path, { query: { prompt: scriptedPrompt(TOOL_NAMES[tool], args) } });
		expect(response.status).toBe(200);
		const [id] = await scenario.newExecutions(workflowId, []);
		// The status it shows while the call is in progress (the simulated call lasts a few seconds).
		const meanwhile = (await scenario.executionWithStatus(id, ['waiting', 'success', 'error', 'crashed'], 60_000)).status;
		const execution = await scenario.executionWithStatus(id, ['success', 'error', 'crashed', 'canceled'], 60_000);
		const modelRequests = model.requests.slice(before.model);
		const toolMessages = (modelRequests.at(-1)?.messages ?? []).filter((m) => m.role === 'tool').map((m) => m.content);
		return { meanwhile, execution, esmsRequests: esms.sim.requests.slice(before.esms), modelRequests, toolMessages };
	}

	// Every Agent version of each line (n8n's Agent.node.js): 1 to 1.9, 2 to 2.2, then 3 and 3.1 (n8n 2.41.1) or 3 (1.123.81).
	const REFUSING_AGENTS = [1.9, 2, 2.2];
	const WAITING_AGENTS = line === '1' ? [3] : [3, 3.1];

	describe(`as a tool of an AI Agent (n8n ${line}.x)`, () => {
		test("the AI-agent example's agent is a version whose tools can wait, on this line too", () => {
			const example = loadExample(AGENT_EXAMPLE, esms.credential, scenario.baseUrl);
			const agents = example.nodes.filter((node) => node.type === AGENT_TYPE);
			expect(agents.map((node) => node.typeVersion)).toEqual([3]);
			expect(WAITING_AGENTS).toContain(3);
		});

		test.each(REFUSING_AGENTS.map((v) => [v]))('AI Agent v%s: the tool refuses before any request; the model reads the refusal', async (version) => {
			const { meanwhile, execution, esmsRequests, toolMessages } = await runAgent(version, WAIT_TOOL, { phone: '0912345672', recordingId: '1001' });

			expect(esmsRequests).toEqual([]);
			// The tool's answer (these agents give the model an empty text for a tool that throws).
			const { message, description } = refusal(RECORDING, AGENT_NODE);
			const answer = JSON.stringify([{ error: message, description, callPlaced: false }]);
			expect(toolMessages).toEqual([answer]);
			expect([meanwhile, execution.status]).toEqual(['success', 'success']);
			expect(nodeOutput(execution, AGENT_NODE)).toEqual([{ output: `${FINAL_ANSWER_PREFIX}${answer}` }]);
		});

		test.each(WAITING_AGENTS.map((v) => [v]))('AI Agent v%s: the tool places the call, the execution waits, and the model receives the result', async (version) => {
			const { meanwhile, execution, esmsRequests, toolMessages } = await runAgent(version, WAIT_TOOL, { phone: '0912345673', recordingId: '1001' });

			expect(esmsRequests.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['GET MakeCallRecord_V2']);
			const callbackUrl = esmsRequests[0].query.CallbackUrl;
			// The execution's resume URL: signed by n8n 2.x, unsigned in n8n 1.x.
			const signature = line === '1' ? '' : 'signature=[0-9a-f]+&';
			expect(callbackUrl).toMatch(new RegExp(`^${scenario.baseUrl}/webhook-waiting/${execution.id}\\?${signature}esmsWait=1$`));
			expect(maskKeys(esmsRequests[0].rawQuery)).toBe(
				`ApiKey=<API_KEY>&SecretKey=<SECRET_KEY>&Phone=0912345673&TemplateId=1001&RequestId=${esmsRequests[0].query.RequestId}&CallbackUrl=${encodeURIComponent(callbackUrl)}`,
			);
			// It waited at the tool until eSMS reported the result on the resume URL, then the agent went on.
			expect([meanwhile, execution.status]).toEqual(['waiting', 'success']);
			expect(toolMessages).toHaveLength(1);
			const received = JSON.parse(String(toolMessages[0])) as Array<Record<string, unknown>>;
			const referenceId = String(received[0]?.referenceId);
			expect(esms.sim.getCall(referenceId)?.requestId).toBe(esmsRequests[0].query.RequestId);
			const callbacks = esms.sim.callbacks.filter((c) => c.referenceId === referenceId);
			expect(callbacks.map((c) => [c.sendStatus, c.status])).toEqual([[5, 200]]);
			expect(callbacks[0].url.startsWith(`${callbackUrl}&ReferenceId=${referenceId}&`)).toBe(true);
			expect(received).toEqual([
				{
					...answeredCallResult(referenceId),
					requestId: esmsRequests[0].query.RequestId,
					phone: '0912345673',
					resultReceived: true,
					timedOut: false,
					receivedAt: expect.stringMatching(ISO_TIMESTAMP),
					raw: answeredCallbackRaw(referenceId),
				},
			]);
			expect(nodeOutput(execution, AGENT_NODE)).toEqual([{ output: `${FINAL_ANSWER_PREFIX}${String(toolMessages[0])}` }]);
		});
	});
});
