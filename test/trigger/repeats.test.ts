/**
 * eSMS re-sends a callback until it gets HTTP 200, so the trigger must start one execution per
 * result: per-process memory (bursts) + workflow static data (restarts, other processes).
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeType } from 'n8n-workflow';

import { deliveryToken, SLOT_MS } from '../../nodes/EsmsVoiceTrigger/deliveries';
import { NODE_NAME, rawGet, startTrigger, type TriggerServerOptions } from './trigger-server';

const PATH = '/webhook/esms-voice';
const STARTED = { received: true, started: true };
const REPEATED = { received: true, started: false, reason: 'repeated delivery' };
const HOUR = 3_600_000;

const callback = (ref: string, sendStatus = '5'): string =>
	`${PATH}?ReferenceId=${ref}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454&SendStatus=${sendStatus}`;

/** The trigger class from a fresh module registry: a new n8n process (empty process memory). */
function freshTriggerModule(): INodeType {
	let mod!: typeof import('../../nodes/EsmsVoiceTrigger/EsmsVoiceTrigger.node');
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		mod = require('../../nodes/EsmsVoiceTrigger/EsmsVoiceTrigger.node');
	});
	return new mod.EsmsVoiceTrigger();
}

const deliveriesIn = (db: { staticData: IDataObject }) =>
	(db.staticData[`node:${NODE_NAME}`] as IDataObject | undefined)?.deliveries as IDataObject | undefined;

/** The stored record for deliveries received at the given times: 15-minute slots of 8-char tokens. */
function recordOf(deliveries: Array<[at: number, key: string]>): IDataObject {
	const slots: Record<string, string> = {};
	for (const [at, key] of deliveries) {
		const slot = String(Math.floor(at / SLOT_MS));
		slots[slot] = (slots[slot] ?? '') + deliveryToken(key);
	}
	return { v: 2, slots };
}

afterEach(() => jest.restoreAllMocks());

test('the same ReferenceId + SendStatus twice: one execution, both answered 200; remembered in static data', async () => {
	const now = Date.UTC(2026, 0, 10, 8, 0, 0);
	jest.spyOn(Date, 'now').mockReturnValue(now);
	const server = await startTrigger();
	const first = await rawGet(server.port, callback('dup-1'));
	const second = await rawGet(server.port, callback('dup-1'));
	expect([first.status, first.json]).toEqual([200, STARTED]);
	expect([second.status, second.json]).toEqual([200, REPEATED]);
	expect(server.executions).toHaveLength(1);
	expect(deliveriesIn(server.db)).toEqual(recordOf([[now, 'dup-1|5']]));
});

test('a different SendStatus is a different delivery (Only Final off)', async () => {
	const server = await startTrigger({ params: { onlyFinal: false } });
	for (const status of ['2', '7', '5', '5', '7']) await rawGet(server.port, callback('dup-2', status));
	expect(server.executions.map((e) => e.items[0].json.sendStatus)).toEqual([2, 7, 5]);
	expect(server.answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
});

test('another reference, another workflow or another node is not a repeat', async () => {
	const server = await startTrigger();
	await rawGet(server.port, callback('dup-3a'));
	await rawGet(server.port, callback('dup-3b'));
	expect(server.executions).toHaveLength(2);
	// Same workflow id, another node: the process memory is per workflow and node.
	const workflowId = `wf-${randomUUID()}`;
	const a = await startTrigger({ workflowId });
	const b = await startTrigger({ workflowId });
	await rawGet(a.port, callback('dup-3c'));
	await rawGet(b.port, callback('dup-3c'));
	expect([a.executions.length, b.executions.length]).toEqual([1, 1]);
});

test('Ignore Repeated Deliveries off: every delivery starts an execution, nothing is stored', async () => {
	const server = await startTrigger({ params: { options: { ignoreRepeats: false } } });
	await rawGet(server.port, callback('dup-4'));
	await rawGet(server.port, callback('dup-4'));
	expect(server.executions).toHaveLength(2);
	expect(server.db.staticData).toEqual({});
});

test('manual mode (test URL): repeats are not suppressed', async () => {
	const server = await startTrigger({ mode: 'manual' });
	await rawGet(server.port, callback('dup-5'));
	await rawGet(server.port, callback('dup-5'));
	expect(server.executions).toHaveLength(2);
	expect(deliveriesIn(server.db)).toBeUndefined();
});

describe('after a restart', () => {
	const ids = (): Pick<TriggerServerOptions, 'workflowId' | 'nodeId'> => ({ workflowId: `wf-${randomUUID()}`, nodeId: randomUUID() });

	test('a new process still suppresses the repeat through the saved static data', async () => {
		const same = ids();
		const before = await startTrigger({ ...same, trigger: freshTriggerModule() });
		await rawGet(before.port, callback('dup-6'));
		expect(before.executions).toHaveLength(1);
		await before.stop();

		const after = await startTrigger({ ...same, trigger: freshTriggerModule(), db: before.db });
		const answer = await rawGet(after.port, callback('dup-6'));
		expect([answer.status, answer.json]).toEqual([200, REPEATED]);
		expect(after.executions).toHaveLength(0);
	});

	test('control: a new process with the static data lost starts again (the memory really is per process)', async () => {
		const same = ids();
		const before = await startTrigger({ ...same, trigger: freshTriggerModule() });
		await rawGet(before.port, callback('dup-7'));
		const after = await startTrigger({ ...same, trigger: freshTriggerModule() });
		await rawGet(after.port, callback('dup-7'));
		expect(after.executions).toHaveLength(1);
	});

	test('control: the same process with the static data lost still suppresses (process memory)', async () => {
		const same = ids();
		const trigger = freshTriggerModule();
		const before = await startTrigger({ ...same, trigger });
		await rawGet(before.port, callback('dup-8'));
		const after = await startTrigger({ ...same, trigger });
		await rawGet(after.port, callback('dup-8'));
		expect(after.executions).toHaveLength(0);
	});
});

describe('Remember Deliveries For (Hours)', () => {
	// 08:00 is a slot boundary: a delivery then is remembered until 08:15 + the hours to remember.
	const t0 = Date.UTC(2026, 0, 10, 8, 0, 0);

	test('a repeat within the time (rounded up to the 15-minute slot) is suppressed; after it, it starts again', async () => {
		const clock = jest.spyOn(Date, 'now').mockReturnValue(t0);
		const server = await startTrigger({ params: { options: { rememberHours: 2 } } });
		await rawGet(server.port, callback('dup-9'));
		expect(deliveriesIn(server.db)).toEqual(recordOf([[t0, 'dup-9|5']]));

		clock.mockReturnValue(t0 + SLOT_MS + 2 * HOUR - 1);
		expect((await rawGet(server.port, callback('dup-9'))).json).toEqual(REPEATED);
		clock.mockReturnValue(t0 + SLOT_MS + 2 * HOUR);
		expect((await rawGet(server.port, callback('dup-9'))).json).toEqual(STARTED);
		expect(server.executions).toHaveLength(2);
		expect(deliveriesIn(server.db)).toEqual(recordOf([[t0 + SLOT_MS + 2 * HOUR, 'dup-9|5']]));
	});

	test('expired slots are pruned from the static data when a new delivery is recorded', async () => {
		const clock = jest.spyOn(Date, 'now').mockReturnValue(t0);
		const server = await startTrigger({ params: { options: { rememberHours: 1 } } });
		await rawGet(server.port, callback('old'));
		clock.mockReturnValue(t0 + 10 * 60_000);
		await rawGet(server.port, callback('same-slot'));
		expect(deliveriesIn(server.db)).toEqual(recordOf([[t0, 'old|5'], [t0, 'same-slot|5']]));
		clock.mockReturnValue(t0 + 3 * HOUR);
		await rawGet(server.port, callback('new'));
		expect(deliveriesIn(server.db)).toEqual(recordOf([[t0 + 3 * HOUR, 'new|5']]));
	});

	test('an invalid value falls back to 24 hours', async () => {
		const clock = jest.spyOn(Date, 'now').mockReturnValue(t0);
		const server = await startTrigger({ params: { options: { rememberHours: -5 } } });
		await rawGet(server.port, callback('dup-10'));
		clock.mockReturnValue(t0 + SLOT_MS + 24 * HOUR - 1);
		expect((await rawGet(server.port, callback('dup-10'))).json).toEqual(REPEATED);
		expect(deliveriesIn(server.db)).toEqual(recordOf([[t0, 'dup-10|5']]));
	});
});

test('a burst of 50 concurrent identical deliveries starts exactly one execution (before any save lands)', async () => {
	// Each request reads the static data before any other request's save lands, as in n8n.
	const server = await startTrigger({ dbLatencyMs: 30 });
	const answers = await Promise.all(Array.from({ length: 50 }, () => rawGet(server.port, callback('burst'))));
	expect(server.handled).toBe(50);
	expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
	expect(answers.filter((a) => JSON.stringify(a.json) === JSON.stringify(STARTED))).toHaveLength(1);
	expect(answers.filter((a) => JSON.stringify(a.json) === JSON.stringify(REPEATED))).toHaveLength(49);
	expect(server.executions).toHaveLength(1);
});

describe("n8n's static-data saving, as a real n8n does it (see trigger-server.ts)", () => {
	const distinct = ['s-1', 's-2', 's-3', 's-4'];

	/** The trigger as it was before execute() wrote the record: the defect measured in n8n 2.41. */
	function webhookOnlyTrigger(): INodeType {
		const trigger = freshTriggerModule();
		return { description: trigger.description, webhookMethods: trigger.webhookMethods, webhook: trigger.webhook };
	}

	test.each([1, 2] as const)('n8n %i.x: every distinct delivery is saved; a new process suppresses all their repeats', async (n8nMajor) => {
		const same = { workflowId: `wf-${randomUUID()}`, nodeId: randomUUID(), n8nMajor };
		const before = await startTrigger({ ...same, trigger: freshTriggerModule() });
		for (const ref of distinct) await rawGet(before.port, callback(ref));
		expect(before.executions).toHaveLength(4);
		const slots = Object.values((deliveriesIn(before.db) as { slots: Record<string, string> }).slots).join('');
		expect(distinct.map((ref) => slots.includes(deliveryToken(`${ref}|5`)))).toEqual([true, true, true, true]);

		const after = await startTrigger({ ...same, trigger: freshTriggerModule(), db: before.db });
		for (const ref of distinct) expect((await rawGet(after.port, callback(ref))).json).toEqual(REPEATED);
		expect(after.executions).toHaveLength(0);
	});

	test('control: with the webhook-time write alone, n8n 2.x keeps only the first delivery (as measured in 2.41)', async () => {
		const same = { workflowId: `wf-${randomUUID()}`, nodeId: randomUUID() };
		const before = await startTrigger({ ...same, trigger: webhookOnlyTrigger() });
		for (const ref of distinct) await rawGet(before.port, callback(ref));
		const slots = Object.values((deliveriesIn(before.db) as { slots: Record<string, string> }).slots).join('');
		expect(slots).toBe(deliveryToken('s-1|5'));
		const after = await startTrigger({ ...same, trigger: webhookOnlyTrigger(), db: before.db });
		for (const ref of distinct) await rawGet(after.port, callback(ref));
		expect(after.executions).toHaveLength(3);
	});

	test("a record in the first version's format (key → expiry) is still honoured", async () => {
		const now = Date.UTC(2026, 0, 10, 8, 0, 0);
		jest.spyOn(Date, 'now').mockReturnValue(now);
		const db = { staticData: { [`node:${NODE_NAME}`]: { deliveries: { 'legacy-1|5': now + HOUR, 'gone|5': now - 1 } } } as IDataObject };
		const server = await startTrigger({ db });
		expect((await rawGet(server.port, callback('legacy-1'))).json).toEqual(REPEATED);
		expect((await rawGet(server.port, callback('gone'))).json).toEqual(STARTED);
		expect(server.executions).toHaveLength(1);
	});
});
