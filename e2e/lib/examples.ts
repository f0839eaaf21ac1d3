// Loads examples/*.json as a user would import them: the eSMS credential swapped for a real one,
// the documented local n8n URL (http://127.0.0.1:5678) replaced by the instance's base URL, the
// Callback URL placeholder replaced by a trigger's production URL, and a fresh webhookId for every
// node with webhooks, as n8n's editor gives on import (browser.e2e.test.ts shows it does).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { CreatedCredential, WorkflowJson } from './n8n-client';
import { PROJECT_ROOT } from './runtime';
import { CREDENTIAL_TYPE } from './workflows';

export const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
export const EXAMPLE_BASE_URL = 'http://127.0.0.1:5678';
/** The Callback URL in the examples that the user replaces with their trigger's Production URL. */
export const EXAMPLE_CALLBACK_PLACEHOLDER = `${EXAMPLE_BASE_URL}/webhook/REPLACE-WITH-YOUR-TRIGGER-ID/esms-voice`;
/** Node types of the examples that have webhooks (n8n gives each a webhookId on import). */
const WEBHOOK_NODE_TYPES = [
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.formTrigger',
	'n8n-nodes-base.form',
	'n8n-nodes-esms-voice.esmsVoiceTrigger',
	'n8n-nodes-esms-voice.esmsVoice',
];

export function exampleFiles(): string[] {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

/**
 * The example as the public API accepts it (name, nodes, connections, settings). `credentials`
 * assigns credentials of other types by type, e.g. `{ postgres: … }` for the PostgreSQL campaign.
 */
export function loadExample(
	file: string,
	credential: Pick<CreatedCredential, 'id' | 'name'>,
	baseUrl: string,
	options: { callbackUrl?: string; credentials?: Record<string, Pick<CreatedCredential, 'id' | 'name'>> } = {},
): WorkflowJson {
	const assigned: Record<string, Pick<CreatedCredential, 'id' | 'name'>> = { ...options.credentials, [CREDENTIAL_TYPE]: credential };
	let text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
	if (options.callbackUrl) text = text.split(EXAMPLE_CALLBACK_PLACEHOLDER).join(options.callbackUrl);
	const raw = JSON.parse(text.split(EXAMPLE_BASE_URL).join(baseUrl)) as WorkflowJson;
	const nodes = raw.nodes.map((original) => {
		const node = WEBHOOK_NODE_TYPES.includes(String(original.type)) && !original.webhookId ? { ...original, webhookId: randomUUID() } : original;
		const credentials = node.credentials as Record<string, unknown> | undefined;
		const types = Object.keys(credentials ?? {}).filter((type) => type in assigned);
		if (types.length === 0) return node;
		const swapped = Object.fromEntries(types.map((type) => [type, { id: assigned[type].id, name: assigned[type].name }]));
		return { ...node, credentials: { ...credentials, ...swapped } };
	});
	return { name: raw.name, nodes, connections: raw.connections, settings: raw.settings ?? {} };
}

/** A node of an example by name (throws when the example does not have it). */
export function exampleNode(workflow: WorkflowJson, name: string): Record<string, unknown> {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`the example "${workflow.name}" has no node "${name}"`);
	return node;
}
