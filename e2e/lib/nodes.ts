// More node builders for the scenario suites (the basic ones are in workflows.ts).
import { randomUUID } from 'node:crypto';

import { NODE_TYPES, webhookNode } from './workflows';

export const TRIGGER_NODE = 'eSMS Voice Trigger';

/** An eSMS Voice Trigger with a fixed webhookId: its production URL is /webhook/<webhookId>/esms-voice. */
export function triggerNode(webhookId: string, parameters: Record<string, unknown> = { onlyFinal: true, options: {} }): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: TRIGGER_NODE,
		type: NODE_TYPES.trigger,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters,
	};
}

export function triggerUrl(baseUrl: string, webhookId: string): string {
	return `${baseUrl}/webhook/${webhookId}/esms-voice`;
}

export function noOpNode(name: string, position: [number, number] = [520, 0]): Record<string, unknown> {
	return { id: randomUUID(), name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} };
}

/** A Set node adding `fields` to the item (keeps the other fields). */
export function setNode(name: string, fields: Record<string, unknown>, position: [number, number] = [520, 0]): Record<string, unknown> {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position,
		parameters: { mode: 'raw', jsonOutput: JSON.stringify(fields), includeOtherFields: true, options: {} },
	};
}

/** A Webhook node answering at once ("Workflow was started"): for workflows that wait. */
export function webhookNodeOnReceived(path: string, name = 'Webhook'): Record<string, unknown> {
	const node = webhookNode(path, name);
	return { ...node, parameters: { ...(node.parameters as Record<string, unknown>), responseMode: 'onReceived' } };
}

/**
 * Set (`{ phones: values }`) → Split Out: one item per value, between a Webhook and the node under
 * test. A string value becomes `{ phones: value }`; an object value becomes the item itself.
 */
export function oneItemPerValueNodes(values: unknown[]): Array<Record<string, unknown>> {
	return [
		{
			id: randomUUID(),
			name: 'Phones',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ phones: values }), options: {} },
		},
		{
			id: randomUUID(),
			name: 'One Item Each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [400, 0],
			parameters: { fieldToSplitOut: 'phones', include: 'noOtherFields', options: {} },
		},
	];
}
