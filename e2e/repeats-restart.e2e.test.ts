// Repeated deliveries across an n8n restart, in a real n8n of its own (it is stopped and started
// again on the same user folder and database): N distinct callbacks start N executions; after the
// restart the same N callbacks, as eSMS re-sends them, start none and are all answered 200.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { CALLER_ID } from '../simulator/src';
import { N8nClient } from './lib/n8n-client';
import { startN8n, type N8nHandle } from './lib/n8n-process';
import { noOpNode, triggerNode, triggerUrl } from './lib/nodes';
import { E2E_OWNER, packageDir } from './lib/shared';
import { get } from './lib/scenario';
import { poll } from './lib/util';
import { chain } from './lib/workflows';

const DISTINCT = 24;

function finalCallback(base: string, referenceId: string, key: string): string {
	return `${base}?ReferenceId=${referenceId}&CallDuration=12&CallStatus=ANSWERED&Ivr=${key}&Price=700.0000&SentResult=1&CID=${CALLER_ID}&SendStatus=5`;
}

describe('repeated deliveries survive an n8n restart (real n8n)', () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-restart-'));
	let handle: N8nHandle | undefined;
	let client: N8nClient;
	let workflowId = '';
	const webhookId = randomUUID();
	const referenceIds = Array.from({ length: DISTINCT }, () => randomUUID());

	async function start(): Promise<void> {
		handle = await startN8n({ packageDir: packageDir(), userFolder, logFile: path.join(userFolder, `n8n-${Date.now()}.log`) });
		const next = new N8nClient(handle.baseUrl);
		next.apiKey = client?.apiKey;
		client = next;
		if (workflowId) await webhookLive();
	}

	/** A published workflow's webhook answers a few hundred ms after n8n is ready; a probe gets 400 then. */
	async function webhookLive(): Promise<void> {
		const url = triggerUrl(handle!.baseUrl, webhookId);
		await poll(async () => ((await get(url)).status === 400 ? true : undefined), { timeoutMs: 30_000, what: 'the trigger webhook' });
	}

	async function deliverAll(): Promise<Array<{ status: number; text: string }>> {
		const url = triggerUrl(handle!.baseUrl, webhookId);
		const answers: Array<{ status: number; text: string }> = [];
		for (const [index, id] of referenceIds.entries()) answers.push(await get(finalCallback(url, id, String(index % 10))));
		return answers;
	}

	async function executionCount(): Promise<number> {
		return (await client.listExecutions(workflowId)).length;
	}

	beforeAll(async () => {
		await start();
		await client.setupOwner(E2E_OWNER);
		await client.createApiKey('restart');
		const created = await client.createWorkflow(
			chain('e2e: repeats across a restart', [triggerNode(webhookId), noOpNode('Result')]),
		);
		workflowId = created.id;
		await client.activateWorkflow(workflowId);
		await webhookLive();
	});

	afterAll(async () => {
		await handle?.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test(`${DISTINCT} distinct callbacks, a restart, the same ${DISTINCT} again: no new execution`, async () => {
		const first = await deliverAll();
		expect(first.map((a) => a.status)).toEqual(referenceIds.map(() => 200));
		await poll(async () => ((await executionCount()) >= DISTINCT ? true : undefined), { timeoutMs: 60_000, what: 'first executions' });
		expect(await executionCount()).toBe(DISTINCT);

		await handle!.stop();
		await start();

		const again = await deliverAll();
		expect(again.map((a) => ({ status: a.status, body: JSON.parse(a.text) as unknown }))).toEqual(
			referenceIds.map(() => ({ status: 200, body: { received: true, started: false, reason: 'repeated delivery' } })),
		);
		// Give any wrongly started execution time to show up.
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(await executionCount()).toBe(DISTINCT);
	});
});
