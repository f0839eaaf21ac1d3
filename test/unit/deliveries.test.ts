// The repeat record itself: bounded, compact, shared by processes that overwrite each other's copy.
import type { IDataObject } from 'n8n-workflow';

import { DeliveryLog, deliveryToken, MAX_REMEMBERED, SLOT_MS } from '../../nodes/EsmsVoiceTrigger/deliveries';

const DAY = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 0, 0, 0);
let scopeCount = 0;
const newScope = () => `unit-${++scopeCount}`;

/** A process: a fresh module instance, so its ledger starts empty. */
function processModule(): typeof import('../../nodes/EsmsVoiceTrigger/deliveries') {
	let mod!: typeof import('../../nodes/EsmsVoiceTrigger/deliveries');
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		mod = require('../../nodes/EsmsVoiceTrigger/deliveries');
	});
	return mod;
}

const copy = (data: IDataObject): IDataObject => JSON.parse(JSON.stringify(data)) as IDataObject;

test('IDs are compared trimmed and without regard to case; a token is 8 URL-safe characters', () => {
	expect(deliveryToken(' ABC-def|5 ')).toBe(deliveryToken('abc-DEF|5'));
	expect(deliveryToken('abc|5')).not.toBe(deliveryToken('abc|7'));
	expect(deliveryToken('abc|5')).toMatch(/^[A-Za-z0-9_-]{8}$/);
});

test(`the record is bounded: past ${MAX_REMEMBERED} the oldest slots go first; its size is 8 bytes a delivery`, () => {
	const scope = newScope();
	const staticData: IDataObject = {};
	const perSlot = 2_500;
	const total = MAX_REMEMBERED + 2 * perSlot;
	for (let slot = 0; slot * perSlot < total; slot++) {
		const log = new DeliveryLog(scope, staticData, 30 * DAY, T0 + slot * SLOT_MS);
		for (let i = slot * perSlot; i < (slot + 1) * perSlot; i++) log.record(`ref-${i}|5`);
	}
	const slots = (copy(staticData).deliveries as { slots: Record<string, string> }).slots;
	const texts = Object.values(slots);
	expect(texts.join('').length).toBe(MAX_REMEMBERED * 8);
	expect(Object.keys(slots)[0]).toBe(String(Math.floor(T0 / SLOT_MS) + 2));
	const last = new DeliveryLog(scope, staticData, 30 * DAY, T0 + 50 * SLOT_MS);
	expect(last.seen(`ref-${total - 1}|5`)).toBe(true);
	expect(last.seen(`ref-${2 * perSlot}|5`)).toBe(true);
	expect(last.seen(`ref-${2 * perSlot - 1}|5`)).toBe(false);
	expect(last.seen('ref-0|5')).toBe(false);
	expect(JSON.stringify(staticData.deliveries).length).toBeLessThan(MAX_REMEMBERED * 8 + 64 * 20);
});

test("what n8n saves is the ledger when it serialises the static data: a later record of this process is in an earlier write", () => {
	const scope = newScope();
	// Two executions of one process, each with its own copy; the first one's save lands last.
	const first: IDataObject = {};
	const second: IDataObject = {};
	new DeliveryLog(scope, first, DAY, T0).recordIfMissing('first|5');
	new DeliveryLog(scope, second, DAY, T0 + 5).recordIfMissing('second|5');
	const savedLast = copy(first);
	const reader = new (processModule().DeliveryLog)(scope, savedLast, DAY, T0 + 10);
	expect([reader.seen('first|5'), reader.seen('second|5')]).toEqual([true, true]);
});

test('two processes overwriting each other: the next write of either puts every delivery back', () => {
	const scope = newScope();
	const [a, b] = [processModule(), processModule()];
	let db: IDataObject = {};
	// Both read the same stored copy; B's save lands last and lacks A's delivery.
	const readByA = copy(db);
	const readByB = copy(db);
	new a.DeliveryLog(scope, readByA, DAY, T0).record('from-a|5');
	new b.DeliveryLog(scope, readByB, DAY, T0).record('from-b|5');
	db = readByB;
	expect(new (processModule().DeliveryLog)(scope, copy(db), DAY, T0).seen('from-a|5')).toBe(false);

	// A's next delivery writes what it knows plus what it read: both are back.
	const next = copy(db);
	new a.DeliveryLog(scope, next, DAY, T0 + 1000).record('from-a-2|5');
	const fresh = new (processModule().DeliveryLog)(scope, copy(next), DAY, T0 + 2000);
	expect(['from-a|5', 'from-b|5', 'from-a-2|5'].map((key) => fresh.seen(key))).toEqual([true, true, true]);
});

test('recordIfMissing writes nothing when the stored copy already holds the delivery', () => {
	const scope = newScope();
	const stored: IDataObject = {};
	new DeliveryLog(scope, stored, DAY, T0).record('x|5');
	const again = copy(stored);
	new DeliveryLog(newScope(), again, DAY, T0).recordIfMissing('X|5');
	expect(again).toEqual(copy(stored));
	const lacking: IDataObject = {};
	new DeliveryLog(newScope(), lacking, DAY, T0).recordIfMissing('y|5');
	expect(copy(lacking).deliveries).toEqual({ v: 2, slots: { [String(Math.floor(T0 / SLOT_MS))]: deliveryToken('y|5') } });
});

describe('queue mode (n8n 2.x): a worker starts every execution with empty static data and saves its copy over the stored one', () => {
	/** One delivery: the webhook process reads the saved copy and records; a worker runs the execution. */
	function deliver(webhook: ReturnType<typeof processModule>, worker: ReturnType<typeof processModule>, db: { saved: IDataObject }, key: string, at: number, carry = true) {
		const atWebhook = new webhook.DeliveryLog('queue', copy(db.saved), DAY, at);
		expect(atWebhook.seen(key)).toBe(false);
		atWebhook.record(key);
		const carried = copy({ record: atWebhook.carried() }).record;
		const executionCopy: IDataObject = {};
		const atWorker = new worker.DeliveryLog('queue', executionCopy, DAY, at + 50);
		if (carry) atWorker.mergeCarried(carried);
		atWorker.recordIfMissing(key);
		db.saved = copy(executionCopy);
	}
	const seenBy = (saved: IDataObject, keys: string[]) => {
		const fresh = new (processModule().DeliveryLog)('queue', copy(saved), DAY, T0 + 10_000);
		return keys.map((key) => fresh.seen(key));
	};
	const first5 = ['a|5', 'b|5', 'c|5', 'd|5', 'e|5'];

	test('a restarted worker saves every delivery the item carried, not only what it ran since its start', () => {
		const db = { saved: {} as IDataObject };
		const [webhook1, worker] = [processModule(), processModule()];
		first5.forEach((key, i) => deliver(webhook1, worker, db, key, T0 + i));
		const restartedWorker = processModule();
		deliver(processModule(), restartedWorker, db, 'f|5', T0 + 100);
		expect(seenBy(db.saved, [...first5, 'f|5'])).toEqual([true, true, true, true, true, true]);
	});

	test('two workers taking turns: each save holds what the other ran', () => {
		const db = { saved: {} as IDataObject };
		const workers = [processModule(), processModule()];
		const webhooks = [processModule(), processModule()];
		first5.forEach((key, i) => deliver(webhooks[i % 2], workers[i % 2], db, key, T0 + i));
		expect(seenBy(db.saved, first5)).toEqual([true, true, true, true, true]);
	});

	test('control: without the carried record, the restarted worker saves only its own delivery (as measured in 2.41.1)', () => {
		const db = { saved: {} as IDataObject };
		const [webhook1, worker] = [processModule(), processModule()];
		first5.forEach((key, i) => deliver(webhook1, worker, db, key, T0 + i, false));
		deliver(processModule(), processModule(), db, 'f|5', T0 + 100, false);
		expect(seenBy(db.saved, [...first5, 'f|5'])).toEqual([false, false, false, false, false, true]);
	});

	test('the execution writes when the carried record holds more than its copy, even if its copy has this delivery', () => {
		const stored: IDataObject = {};
		new DeliveryLog(newScope(), stored, DAY, T0).record('x|5');
		const webhook = new (processModule().DeliveryLog)('carry', {}, DAY, T0);
		webhook.record('x|5');
		webhook.record('y|5');
		const executionCopy = copy(stored);
		const worker = new (processModule().DeliveryLog)('carry', executionCopy, DAY, T0);
		worker.mergeCarried(copy({ r: webhook.carried() }).r);
		worker.recordIfMissing('x|5');
		const fresh = new (processModule().DeliveryLog)('carry-check', copy(executionCopy), DAY, T0 + 1);
		expect([fresh.seen('x|5'), fresh.seen('y|5')]).toEqual([true, true]);
	});
});
