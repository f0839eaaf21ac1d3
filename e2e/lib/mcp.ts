// The MCP workflow of the e2e suite: n8n's MCP Server Trigger with eSMS Voice tool nodes on its
// ai_tool input. Tool names are the node names as n8n turns them into tool names.
import { randomUUID } from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import type { WorkflowJson } from './n8n-client';
import { poll, StopPolling } from './util';

export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
export const TOOL_TYPE = 'n8n-nodes-esms-voice.esmsVoiceTool';
export const MCP_TRIGGER_NODE = 'MCP Server Trigger';

/** The AI-agent example: its eSMS Voice tool nodes are the ones the MCP test serves. */
export const AGENT_EXAMPLE = 'ai-agent-voice-calls.json';

/** Node name → the tool name n8n derives from it (spaces become underscores). */
export const MCP_TOOLS = {
	makeCall: 'Make_Call',
	makeCallFromTemplate: 'Make_Call_From_Template',
	getStatus: 'Get_Status',
	getBalance: 'Get_Balance',
} as const;

/** The eSMS Voice tool nodes of a workflow (those on an ai_tool connection). */
export function esmsToolNodes(workflow: WorkflowJson): Array<Record<string, unknown>> {
	return workflow.nodes.filter((node) => node.type === TOOL_TYPE);
}

/** MCP Server Trigger (v2: Streamable HTTP at /mcp/<path>) ← the given tool nodes, on ai_tool. */
export function mcpToolWorkflow(name: string, path: string, tools: Array<Record<string, unknown>>): WorkflowJson {
	const trigger = {
		id: randomUUID(),
		name: MCP_TRIGGER_NODE,
		type: MCP_TRIGGER_TYPE,
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { path },
	};
	const connections: Record<string, unknown> = {};
	for (const tool of tools) {
		connections[tool.name as string] = { ai_tool: [[{ node: MCP_TRIGGER_NODE, type: 'ai_tool', index: 0 }]] };
	}
	return { name, nodes: [trigger, ...tools], connections, settings: { executionOrder: 'v1' } };
}

/**
 * An MCP client connected to the trigger's production URL (Streamable HTTP). n8n registers the
 * webhook shortly after publishing, so a 404 "not registered" is retried.
 */
export async function connectMcpClient(url: string): Promise<Client> {
	return await poll(
		async () => {
			const client = new Client({ name: 'esms-voice-e2e', version: '1.0.0' });
			try {
				await client.connect(new StreamableHTTPClientTransport(new URL(url)));
				return client;
			} catch (error) {
				await client.close().catch(() => undefined);
				if (String(error).includes('is not registered')) return undefined;
				throw new StopPolling(String(error));
			}
		},
		{ timeoutMs: 15_000, intervalMs: 300, what: `the MCP server at ${url}` },
	);
}
