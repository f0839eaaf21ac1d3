// Repeated deliveries across restarts in n8n 2.41.1 queue mode, for real: main + 2 workers + 2
// webhook processors on PostgreSQL and Redis. eSMS re-sends a callback whose 200 it missed; after a
// rolling restart (a worker, then both webhook processors) or every process restarted at once, no
// re-sent callback may start a second execution, and the record n8n saved must still hold every
// delivery. A worker starts each execution with empty static data and saves its copy over the
// stored one, so this holds only because the callback's item carries the record to the execution.
import { randomUUID } from 'node:crypto';

import { answeredTriggerItem } from '../test/fixtures/call-result';
import { nodeOutput } from './lib/n8n-client';
import { TRIGGER_NODE } from './lib/nodes';
import { QueueInstance, type Role } from './lib/queue-mode';
import { QueueScenario } from './lib/queue-scenario';
import {
	describeQueueMode,
	get,
	N8N_VERSION,
	publishTrigger,
	remembered,
	REPEATED,
	servedByBoth,
	STARTED,
	WEBHOOKS,
	type PublishedTrigger,
} from './lib/queue-trigger';

const describeQueue = describeQueueMode();

describeQueue(`repeated deliveries across restarts, n8n ${N8N_VERSION} queue mode (main + 2 workers + 2 webhook processors)`, () => {
	let instance: QueueInstance;
	let scenario: QueueScenario;
	const startedAt = Date.now();

	beforeAll(async () => {
		instance = await QueueInstance.start({ workers: 2 });
		scenario = new QueueScenario(instance);
		console.log(`[e2e] queue repeats: 5 n8n processes ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
	}, 300_000);

	afterAll(async () => {
		await scenario?.close();
		await instance?.close();
		console.log(`[e2e] queue repeats: suite took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
	}, 60_000);

	/** Delivers each callback (to the webhook processors in turn), each execution finished before the next; returns the answers. */
	async function deliverEach(trigger: PublishedTrigger, referenceIds: string[]): Promise<unknown[]> {
		const answers: unknown[] = [];
		const before = (await scenario.executionIds(trigger.workflowId)).length;
		for (const [index, referenceId] of referenceIds.entries()) {
			answers.push((await get(trigger.url(WEBHOOKS[index % 2], referenceId))).body);
			const ids = await scenario.atLeast(trigger.workflowId, before + index + 1, 60_000);
			await scenario.withStatus(ids[before + index], undefined, 60_000);
		}
		return answers;
	}

	/** Re-sends every callback to both webhook processors; the answers, in order. */
	async function resendToBoth(trigger: PublishedTrigger, referenceIds: string[]): Promise<unknown[]> {
		const answers: unknown[] = [];
		for (const referenceId of referenceIds) {
			for (const role of WEBHOOKS) answers.push((await get(trigger.url(role, referenceId))).body);
		}
		return answers;
	}

	/** The trigger items of every execution, by reference ID. */
	async function startedItems(workflowId: string): Promise<Array<Record<string, unknown>>> {
		const executions = await scenario.allFinished(workflowId, 60_000);
		expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));
		return executions.flatMap((e) => nodeOutput(e, TRIGGER_NODE)).sort((a, b) => String(a.referenceId).localeCompare(String(b.referenceId)));
	}

	const itemsOf = (referenceIds: string[]) => [...referenceIds].sort().map((referenceId) => answeredTriggerItem(referenceId));

	/** Which worker ran each execution (n8n's own log line), to show that both took part. */
	function workersThatRan(ids: string[]): Role[] {
		return (['worker', 'worker-2'] as const).filter((role) => ids.some((id) => instance.logs(role).includes(`Worker started execution ${id} (job `)));
	}

	test('one worker: 5 recorded; the worker restarted; a 6th; both webhook processors restarted; the 5 re-sent → no second execution, the record holds all 6', async () => {
		await instance.stopRole('worker-2');
		try {
			const trigger = await publishTrigger(instance, scenario, 'repeats one worker');
			const first = Array.from({ length: 5 }, () => randomUUID());
			expect(await deliverEach(trigger, first)).toEqual(first.map(() => STARTED));
			expect(await remembered(instance, trigger.workflowId, first)).toEqual(first);

			await instance.restartRole('worker');
			const sixth = randomUUID();
			expect(await deliverEach(trigger, [sixth])).toEqual([STARTED]);
			// Before the fix, the restarted worker's save left only the 6th here (measured: 1 of 6).
			expect(await remembered(instance, trigger.workflowId, [...first, sixth])).toEqual([...first, sixth]);

			await Promise.all(WEBHOOKS.map((role) => instance.restartRole(role)));
			const ids = await scenario.executionIds(trigger.workflowId);
			expect(await resendToBoth(trigger, [...first, sixth])).toEqual([...first, sixth].flatMap(() => [REPEATED, REPEATED]));
			expect(await scenario.idsAfterSettling(trigger.workflowId)).toEqual(ids);
			expect(await startedItems(trigger.workflowId)).toEqual(itemsOf([...first, sixth]));
		} finally {
			await instance.startRole('worker-2');
		}
	}, 300_000);

	test('two workers, a rolling restart, then every process restarted at once: every re-send starts nothing; the record holds every delivery', async () => {
		const trigger = await publishTrigger(instance, scenario, 'repeats two workers');
		const first = Array.from({ length: 8 }, () => randomUUID());
		expect(await deliverEach(trigger, first)).toEqual(first.map(() => STARTED));
		expect(workersThatRan(await scenario.executionIds(trigger.workflowId))).toEqual(['worker', 'worker-2']);
		expect(await remembered(instance, trigger.workflowId, first)).toEqual(first);

		// Rolling restart: one worker, a new callback, then both webhook processors.
		await instance.restartRole('worker');
		const during = Array.from({ length: 2 }, () => randomUUID());
		expect(await deliverEach(trigger, during)).toEqual(during.map(() => STARTED));
		await Promise.all(WEBHOOKS.map((role) => instance.restartRole(role)));
		const all = [...first, ...during];
		expect(await remembered(instance, trigger.workflowId, all)).toEqual(all);
		let ids = await scenario.executionIds(trigger.workflowId);
		expect(await resendToBoth(trigger, all)).toEqual(all.flatMap(() => [REPEATED, REPEATED]));
		expect(await scenario.idsAfterSettling(trigger.workflowId)).toEqual(ids);

		// Every process at once (a host reboot, a full redeploy); then the old ones again and a new one.
		await instance.restartAll();
		await servedByBoth(trigger);
		ids = await scenario.executionIds(trigger.workflowId);
		expect(await resendToBoth(trigger, all)).toEqual(all.flatMap(() => [REPEATED, REPEATED]));
		expect(await scenario.idsAfterSettling(trigger.workflowId)).toEqual(ids);
		const last = randomUUID();
		expect(await deliverEach(trigger, [last])).toEqual([STARTED]);
		expect(await remembered(instance, trigger.workflowId, [...all, last])).toEqual([...all, last]);
		expect(await startedItems(trigger.workflowId)).toEqual(itemsOf([...all, last]));
	}, 420_000);

	test('the trigger items carry nothing of the record (the output a user sees)', async () => {
		const trigger = await publishTrigger(instance, scenario, 'repeats output');
		const referenceId = randomUUID();
		await deliverEach(trigger, [referenceId]);
		const [execution] = await scenario.allFinished(trigger.workflowId);
		expect(nodeOutput(execution, TRIGGER_NODE)).toEqual([answeredTriggerItem(referenceId)]);
		expect(JSON.stringify(execution.data)).not.toContain('__esmsDeliveries');
	}, 120_000);
});
