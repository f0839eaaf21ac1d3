// Workflow JSON builders for the e2e suite. Workflows are started through a production webhook:
// create → publish → GET /webhook/<path>; the execution is then read back from the public API.
import { randomUUID } from 'node:crypto';

import type { CreatedCredential, WorkflowJson } from './n8n-client';

export const NODE_TYPES = {
	action: 'n8n-nodes-esms-voice.esmsVoice',
	trigger: 'n8n-nodes-esms-voice.esmsVoiceTrigger',
} as const;
export const CREDENTIAL_TYPE = 'esmsApi';

export const WEBHOOK_NODE = 'Webhook';
export const ESMS_NODE = 'eSMS Voice';

/** A Webhook node (GET `path`, answers with the last node's first item). Served at /webhook/<path>. */
export function webhookNode(path: string, name = WEBHOOK_NODE): Record<string, unknown> {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'GET', path, responseMode: 'lastNode', options: {} },
	};
}

/** An eSMS Voice node with the given parameters and credential. */
export function esmsNode(
	parameters: Record<string, unknown>,
	credential: Pick<CreatedCredential, 'id' | 'name'>,
	name = ESMS_NODE,
	position: [number, number] = [260, 0],
): Record<string, unknown> {
	return {
		id: randomUUID(),
		name,
		type: NODE_TYPES.action,
		typeVersion: 1,
		position,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
}

/** Chains nodes left to right on their main connections. */
export function chain(name: string, nodes: Array<Record<string, unknown>>): WorkflowJson {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name as string] = { main: [[{ node: nodes[i + 1].name as string, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Webhook (GET /webhook/<path>) → eSMS Voice with `parameters`. */
export function webhookToEsms(
	name: string,
	path: string,
	parameters: Record<string, unknown>,
	credential: Pick<CreatedCredential, 'id' | 'name'>,
): WorkflowJson {
	return chain(name, [webhookNode(path), esmsNode(parameters, credential)]);
}

/** A unique webhook path, so workflows of different tests never collide. */
export function uniquePath(prefix: string): string {
	return `${prefix}-${randomUUID().slice(0, 8)}`;
}
