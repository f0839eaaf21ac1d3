// eSMS Voice as an AI-agent tool in a real n8n: the eSMS Voice tool nodes of the AI-agent example,
// connected to n8n's own MCP Server Trigger in a published workflow, driven by a real MCP client
// (@modelcontextprotocol/sdk) the way an LLM host does it: list the tools, call them, read the answers.
import { randomUUID } from 'node:crypto';

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { answeredStatusResult } from '../test/fixtures/call-result';
import { exampleNode, loadExample } from './lib/examples';
import { AGENT_EXAMPLE, connectMcpClient, esmsToolNodes, mcpToolWorkflow, MCP_TOOLS } from './lib/mcp';
import type { WorkflowJson } from './lib/n8n-client';
import { containsKeys, maskKeys, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { poll } from './lib/util';
import { uniquePath } from './lib/workflows';

const keys = 'ApiKey=<API_KEY>&SecretKey=<SECRET_KEY>';
const AUTO_REQUEST_ID = /^n8n-[0-9a-f]{32}-0$/;
const AUTO_TOOL_NODE = 'Call Customer';

type ToolResult = { content?: Array<{ type: string; text?: string }>; isError?: boolean };

/** The text n8n answers a tools/call with (the node's output items as JSON, or the error). */
function resultText(result: unknown): string {
	const { content } = result as ToolResult;
	expect(content?.map((c) => c.type)).toEqual(['text']);
	return content?.[0].text ?? '';
}

describe("eSMS Voice tools through n8n's MCP Server Trigger", () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	let example: WorkflowJson;
	let client: Client;

	const toolDescription = (node: string): string => (exampleNode(example, node).parameters as { toolDescription: string }).toolDescription;

	/** Calls a tool; returns the answer and what the simulator received meanwhile. */
	async function call(name: string, args: Record<string, unknown>) {
		const before = esms.sim.requests.length;
		const result = await client.callTool({ name, arguments: args });
		return { result, text: resultText(result), requests: esms.sim.requests.slice(before) };
	}

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('mcp', { callDelayMs: 300 });
		example = loadExample(AGENT_EXAMPLE, esms.credential, scenario.baseUrl);
		const path = uniquePath('mcp');
		// Plus Make Call with n8n's automatic tool description, to see what a model is told by default.
		const makeCall = exampleNode(example, 'Make Call');
		const autoDescribed = { ...makeCall, id: randomUUID(), name: AUTO_TOOL_NODE, parameters: { ...(makeCall.parameters as object), descriptionType: 'auto' } };
		await scenario.workflow(mcpToolWorkflow('e2e mcp: eSMS Voice tools', path, [...esmsToolNodes(example), autoDescribed]));
		client = await connectMcpClient(`${scenario.baseUrl}/mcp/${path}`);
	});

	afterAll(async () => {
		await client?.close();
		await scenario?.close();
	});

	test('n8n makes the tools without N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE, and knows every node of the AI-agent example', async () => {
		// n8n inherits this environment (e2e/lib/n8n-process.ts): the variable is not set for it.
		expect(process.env.N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE).toBeUndefined();
		const known = await scenario.client.listNodeTypes();
		const types = [...new Set(example.nodes.map((node) => node.type as string))].sort();
		expect(types.filter((type) => !known.includes(type))).toEqual([]);
		expect(types).toEqual([
			'@n8n/n8n-nodes-langchain.agent',
			'@n8n/n8n-nodes-langchain.chatTrigger',
			'@n8n/n8n-nodes-langchain.lmChatOpenAi',
			'n8n-nodes-base.stickyNote',
			'n8n-nodes-esms-voice.esmsVoiceTool',
		]);
		// Imported as a user would (the chat model has no credential here, so it is not published).
		const id = await scenario.workflow(example, false);
		const stored = await scenario.client.api<WorkflowJson>('GET', `/api/v1/workflows/${id}`);
		expect(stored.nodes.map((node) => node.name).sort()).toEqual(example.nodes.map((node) => node.name).sort());
		expect(esmsToolNodes(example)).toHaveLength(4);
		for (const tool of esmsToolNodes(example).map((node) => node.name as string)) {
			expect(stored.connections[tool]).toEqual({ ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] });
		}
	});

	test('lists the tools with the descriptions and argument schemas an LLM acts on', async () => {
		const { tools } = await client.listTools();
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(byName).sort()).toEqual([...Object.values(MCP_TOOLS), 'Call_Customer'].sort());
		// n8n's automatic description is "<the operation's action> in eSMS Voice".
		expect(byName.Call_Customer.description).toBe('Make a paid call that plays a recording in eSMS Voice');

		const phone = { type: 'string', description: 'Vietnamese phone number of the customer, digits only or with +84, e.g. 0912345678 or +84912345678' };
		const expected: Record<string, { node: string; properties: Record<string, unknown> }> = {
			[MCP_TOOLS.makeCall]: {
				node: 'Make Call',
				properties: {
					phone,
					recordingId: { type: 'string', description: 'ID of the approved eSMS recording to play, digits only, e.g. 1001 (order confirmation)' },
				},
			},
			[MCP_TOOLS.makeCallFromTemplate]: {
				node: 'Make Call From Template',
				properties: { phone, customerName: { type: 'string', description: 'Name of the customer as it should be read out, e.g. Nguyễn Văn An' } },
			},
			[MCP_TOOLS.getStatus]: {
				node: 'Get Status',
				properties: { referenceId: { type: 'string', description: 'The referenceId returned by Make_Call or Make_Call_From_Template, copied exactly' } },
			},
			[MCP_TOOLS.getBalance]: { node: 'Get Balance', properties: {} },
		};
		for (const [name, { node, properties }] of Object.entries(expected)) {
			const tool = byName[name];
			expect([name, tool.description]).toEqual([name, toolDescription(node)]);
			expect([name, tool.inputSchema.properties]).toEqual([name, properties]);
			expect([name, [...(tool.inputSchema.required ?? [])].sort()]).toEqual([name, Object.keys(properties).sort()]);
		}
		// What the LLM is told before it spends money.
		for (const name of [MCP_TOOLS.makeCall, MCP_TOOLS.makeCallFromTemplate]) {
			expect(byName[name].description).toContain('REAL, PAID phone call');
		}
		expect(byName[MCP_TOOLS.getStatus].description).toContain('free, places no call');
	});

	let referenceId = '';

	test('Make Call: the simulator receives exactly that call; the answer carries the referenceId', async () => {
		const { result, text, requests } = await call(MCP_TOOLS.makeCall, { phone: '+84 912 345 671', recordingId: '1001' });

		expect((result as ToolResult).isError).toBeFalsy();
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['GET voice/MakeCallRecord_V2']);
		const requestId = requests[0].query.RequestId;
		expect(requestId).toMatch(AUTO_REQUEST_ID);
		expect(maskKeys(requests[0].rawQuery)).toBe(`${keys}&Phone=0912345671&TemplateId=1001&RequestId=${requestId}`);
		const items = JSON.parse(text) as Array<Record<string, unknown>>;
		referenceId = String(items[0]?.referenceId);
		expect(esms.sim.getCall(referenceId)).toEqual(expect.objectContaining({ normalizedPhone: '0912345671', requestId }));
		expect(items).toEqual([{ referenceId, alreadyPlaced: false, phone: '0912345671', requestId, code: '100' }]);
	});

	test('a second call through the same tool server is placed too (its own request ID, not refused as a repeat)', async () => {
		const first = esms.sim.getCall(referenceId)?.requestId;
		const { text, requests } = await call(MCP_TOOLS.makeCallFromTemplate, { phone: '0912345672', customerName: 'Nguyễn Văn An' });
		const again = await call(MCP_TOOLS.makeCall, { phone: '0912345673', recordingId: '1001' });

		const ids = [first, requests[0].query.RequestId, again.requests[0].query.RequestId];
		expect(new Set(ids).size).toBe(3);
		expect(maskKeys(requests[0].rawQuery)).toBe(
			`${keys}&Phone=0912345672&TemplateId=2001&VariableListStr=${encodeURIComponent('Nguyễn Văn An')}&RequestId=${ids[1]}`,
		);
		for (const answer of [text, again.text]) {
			expect(JSON.parse(answer)).toEqual([expect.objectContaining({ alreadyPlaced: false, code: '100', referenceId: expect.any(String) })]);
		}
	});

	test('Get Status with that referenceId answers the normalised result', async () => {
		await poll(async () => (esms.sim.getCall(referenceId)?.status === 'final' ? true : undefined), {
			timeoutMs: 10_000,
			what: 'the simulated call to finish',
		});
		const { text, requests } = await call(MCP_TOOLS.getStatus, { referenceId });

		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['GET voice/GetSendStatus']);
		expect(maskKeys(requests[0].rawQuery)).toBe(`${keys}&ReferenceId=${referenceId}`);
		expect(JSON.parse(text)).toEqual([answeredStatusResult(referenceId)]);
	});

	test('Get Balance answers the balance', async () => {
		const { text, requests } = await call(MCP_TOOLS.getBalance, {});
		expect(requests.map((r) => `${r.method} ${r.host}/${r.endpoint}`)).toEqual(['POST rest/GetBalance_json']);
		expect(JSON.parse(text)).toEqual([
			{ balance: esms.sim.balance, userId: 9999, raw: { Balance: esms.sim.balance, CodeResponse: '100', UserID: 9999 } },
		]);
	});

	test('Make Call with a bad phone: a readable error the agent can act on, nothing sent, no key in it', async () => {
		const { result, text, requests } = await call(MCP_TOOLS.makeCall, { phone: '12345', recordingId: '1001' });

		expect((result as ToolResult).isError).toBe(true);
		expect(requests).toEqual([]);
		// n8n 2.x names the error class, n8n 1.x says "Error: "; the text after it is the node's.
		expect(text).toMatch(
			/^(NodeOperationError|Error): Item \d+, field "Phone": "12345" is not a Vietnamese phone number\n\nDetails: Expected a Vietnamese number such as 0912345678, 84912345678 or \+84 912 345 678 \(mobile: 10 digits starting with 0; landline: 11 digits starting with 02\)\.$/,
		);
		expect(containsKeys(result)).toBe(false);
		expect(text).not.toMatch(/ApiKey|SecretKey|https?:\/\//);
	});
});
