// An n8n AI Agent workflow for the e2e suite: Webhook (GET, answers at once) → AI Agent of a given
// version, its chat model n8n's OpenAI Chat Model pointed at the local stand-in (lib/model-stand-in.ts),
// and the given tool nodes on its ai_tool input. The prompt is the webhook's `prompt` query parameter.
import { randomUUID } from 'node:crypto';

import type { CreatedCredential, N8nClient, WorkflowJson } from './n8n-client';
import type { ModelStandIn } from './model-stand-in';
import { webhookNodeOnReceived } from './nodes';

export const AGENT_NODE = 'AI Agent';
export const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';
const MODEL_NODE = 'OpenAI Chat Model';

/**
 * n8n's OpenAI credential, with the stand-in as its base URL. Straight through the public API:
 * n8n 1.x's schema for this type refuses the extra field createCredential adds on 1.x.
 */
export async function standInModelCredential(client: N8nClient, model: ModelStandIn): Promise<CreatedCredential> {
	const data = { apiKey: 'sk-stand-in', url: model.baseUrl, header: false };
	const created = await client.api<CreatedCredential>('POST', '/api/v1/credentials', { name: 'Stand-in chat model', type: 'openAiApi', data });
	return { id: created.id, name: created.name, type: created.type };
}

/** Agent parameters of its version: v1.x needs the agent kind, all take the prompt from the webhook. */
function agentParameters(version: number): Record<string, unknown> {
	const prompt = { promptType: 'define', text: '={{ $json.query.prompt }}', options: {} };
	return version < 2 ? { agent: 'toolsAgent', ...prompt } : prompt;
}

export function agentWorkflow(
	name: string,
	path: string,
	agentVersion: number,
	modelCredential: Pick<CreatedCredential, 'id' | 'name'>,
	tools: Array<Record<string, unknown>>,
): WorkflowJson {
	const webhook = webhookNodeOnReceived(path);
	const agent = { id: randomUUID(), name: AGENT_NODE, type: AGENT_TYPE, typeVersion: agentVersion, position: [260, 0], parameters: agentParameters(agentVersion) };
	const model = {
		id: randomUUID(),
		name: MODEL_NODE,
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.2,
		position: [200, 240],
		parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
		credentials: { openAiApi: { id: modelCredential.id, name: modelCredential.name } },
	};
	const connections: Record<string, unknown> = {
		[webhook.name as string]: { main: [[{ node: AGENT_NODE, type: 'main', index: 0 }]] },
		[MODEL_NODE]: { ai_languageModel: [[{ node: AGENT_NODE, type: 'ai_languageModel', index: 0 }]] },
	};
	for (const tool of tools) connections[tool.name as string] = { ai_tool: [[{ node: AGENT_NODE, type: 'ai_tool', index: 0 }]] };
	return { name, nodes: [webhook, agent, model, ...tools], connections, settings: { executionOrder: 'v1' } };
}
