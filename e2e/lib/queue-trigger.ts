// The eSMS Voice Trigger in a queue-mode instance: callbacks to one webhook processor, the trigger
// workflow published on both, and the repeat record as n8n saved it in PostgreSQL.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { deliveryKey, parseEsmsCallback } from '../../nodes/shared/callback';
import { deliveryToken } from '../../nodes/EsmsVoiceTrigger/deliveries';
import { CALLER_ID } from '../../simulator/src';
import { noOpNode, TRIGGER_NODE, triggerNode } from './nodes';
import type { QueueInstance } from './queue-mode';
import type { QueueScenario } from './queue-scenario';
import { missingServices, missingServicesMessage, savedStaticData } from './queue-services';
import { resolveRuntime } from './runtime';
import { poll } from './util';
import { chain } from './workflows';

export const WEBHOOKS = ['webhook-1', 'webhook-2'] as const;
export type WebhookRole = (typeof WEBHOOKS)[number];

export const REPEATED = { received: true, started: false, reason: 'repeated delivery' };
export const STARTED = { received: true, started: true };

export const N8N_VERSION = (
	JSON.parse(fs.readFileSync(path.join(resolveRuntime().n8nDir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * `describe` where queue mode can run (n8n 2.x, PostgreSQL and Redis up), else `describe.skip`.
 * Under CI a missing service fails the run; elsewhere the suite is skipped, saying how to get them.
 */
export function describeQueueMode(): jest.Describe {
	const missing = missingServices();
	if (missing.length > 0) {
		if (process.env.CI === 'true') throw new Error(missingServicesMessage(missing));
		console.warn(`[e2e] queue mode SKIPPED.\n${missingServicesMessage(missing)}`);
	}
	return missing.length === 0 && N8N_VERSION.startsWith('2.') ? describe : describe.skip;
}

/** An eSMS callback for an answered call (key 1, 13 s), exactly as the simulator and eSMS format it. */
export function answeredQuery(referenceId: string): string {
	return `ReferenceId=${referenceId}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=${CALLER_ID}&SendStatus=5`;
}

export async function get(url: string): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url);
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, body };
}

export interface PublishedTrigger {
	workflowId: string;
	webhookId: string;
	/** The callback for `referenceId` sent straight to one webhook processor. */
	url: (role: WebhookRole, referenceId: string) => string;
}

/** Publishes a trigger workflow; resolves once both webhook processors serve its URL. */
export async function publishTrigger(instance: QueueInstance, scenario: QueueScenario, label: string): Promise<PublishedTrigger> {
	const webhookId = randomUUID();
	const workflowId = await scenario.workflow(chain(`e2e queue: ${label}`, [triggerNode(webhookId), noOpNode('Result')]));
	const url = (role: WebhookRole, referenceId: string): string =>
		`${instance.webhookUrl(role)}/webhook/${webhookId}/esms-voice?${answeredQuery(referenceId)}`;
	const trigger = { workflowId, webhookId, url };
	await servedByBoth(trigger);
	return trigger;
}

/** Resolves once both webhook processors serve the trigger (after publishing it, or after a restart). */
export async function servedByBoth(trigger: PublishedTrigger, timeoutMs = 60_000): Promise<void> {
	// An intermediate status starts nothing: a safe probe for "the webhook is registered".
	const probe = async (role: WebhookRole) => (await get(trigger.url(role, randomUUID()).replace('SendStatus=5', 'SendStatus=2'))).status;
	for (const role of WEBHOOKS) {
		await poll(async () => ((await probe(role).catch(() => 0)) === 200 ? true : undefined), { timeoutMs, what: `the trigger's webhook on ${role}` });
	}
}

/**
 * The callbacks (by reference ID) that the record saved in the workflow's static data holds, read
 * from PostgreSQL, fingerprinted exactly as the trigger does it.
 */
export async function remembered(instance: QueueInstance, workflowId: string, referenceIds: string[]): Promise<string[]> {
	const saved = await savedStaticData(instance.database, workflowId);
	const record = (saved?.[`node:${TRIGGER_NODE}`] as { deliveries?: { slots?: Record<string, string> } } | undefined)?.deliveries;
	const text = Object.values(record?.slots ?? {}).join('');
	const tokens = new Set(Array.from({ length: text.length / 8 }, (_, i) => text.slice(i * 8, i * 8 + 8)));
	return referenceIds.filter((referenceId) => {
		const { result } = parseEsmsCallback(`/?${answeredQuery(referenceId)}`);
		return tokens.has(deliveryToken(deliveryKey({ kind: 'call', ...result! })));
	});
}
