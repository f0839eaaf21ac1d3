/**
 * Remembers which callbacks already started an execution, so eSMS's re-deliveries start none.
 *
 * Two layers: a per-process ledger (catches repeats arriving at the same moment, before any copy
 * is saved) and the trigger node's workflow static data, which n8n keeps in its database (survives
 * restarts, read by every process of the instance). Each write stores the whole ledger, so a copy
 * that another process overwrote is repaired by the next write of this one.
 *
 * The callback's item also carries the record as the receiving process knows it (the saved copy it
 * read plus what it remembers), and the execution merges it before it writes: a queue-mode worker
 * (n8n 2.x) starts every execution with empty static data and saves its copy over the stored one,
 * so without it a restarted worker would save only what it ran since its start.
 *
 * The stored record stays small and bounded: `{ v: 2, slots: { "<15-minute slot>": "<tokens>" } }`,
 * each token 8 characters (base64url of 48 bits of sha256 of the delivery key: no collision to
 * fear below millions of deliveries). A slot expires as a whole once all of its deliveries are
 * older than the time to remember; past MAX_REMEMBERED tokens the oldest slots are dropped first.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

export const DEFAULT_REMEMBER_HOURS = 24;
/** A busy day (50,000 calls) fits twice; the record is then about 800 kB. */
export const MAX_REMEMBERED = 100_000;
export const SLOT_MS = 15 * 60_000;
const TOKEN_LENGTH = 8;
const RECORD_VERSION = 2;

/** The key's fingerprint as stored: IDs are compared trimmed and without regard to case. */
export function deliveryToken(key: string): string {
	return createHash('sha256').update(key.trim().toLowerCase()).digest('base64url').slice(0, TOKEN_LENGTH);
}

/** Whether `text` (tokens back to back) holds `token` at a token boundary. */
function textHasToken(text: string, token: string): boolean {
	for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
		if (at % TOKEN_LENGTH === 0) return true;
	}
	return false;
}

/** Every delivery of a slot is older than the time to remember. */
function slotExpired(slot: number, now: number, ttlMs: number): boolean {
	return (slot + 1) * SLOT_MS + ttlMs <= now;
}

interface Slot {
	text: string;
	tokens: Set<string>;
}

/** The tokens of one scope (workflow + node) known to this process, by slot. */
class Ledger {
	readonly slots = new Map<number, Slot>();

	private size = 0;

	get count(): number {
		return this.size;
	}

	has(token: string): boolean {
		for (const slot of this.slots.values()) if (slot.tokens.has(token)) return true;
		return false;
	}

	add(slotId: number, token: string): void {
		if (this.has(token)) return;
		let slot = this.slots.get(slotId);
		if (!slot) {
			slot = { text: '', tokens: new Set() };
			this.slots.set(slotId, slot);
		}
		slot.tokens.add(token);
		slot.text += token;
		this.size++;
	}

	/** Adds what a stored copy knows and this process does not (another process wrote it). */
	merge(slotId: number, text: string): void {
		const own = this.slots.get(slotId)?.text ?? '';
		if (own.startsWith(text)) return; // nothing new: the usual case, one string compare
		for (let at = 0; at + TOKEN_LENGTH <= text.length; at += TOKEN_LENGTH) this.add(slotId, text.slice(at, at + TOKEN_LENGTH));
	}

	prune(now: number, ttlMs: number): void {
		const ordered = [...this.slots.keys()].sort((a, b) => a - b);
		for (const id of ordered) {
			if (!slotExpired(id, now, ttlMs) && this.size <= MAX_REMEMBERED) break;
			this.size -= this.slots.get(id)!.tokens.size;
			this.slots.delete(id);
		}
	}

	toRecord(): IDataObject {
		const slots: Record<string, string> = {};
		for (const [id, slot] of [...this.slots].sort(([a], [b]) => a - b)) slots[String(id)] = slot.text;
		return { v: RECORD_VERSION, slots };
	}
}

/**
 * What the static data holds between a write and n8n's save: n8n serialises the static data with
 * JSON.stringify when it saves it (at the end of the execution, possibly after other executions of
 * this process recorded more), so the saved copy is the ledger as it is then, not as it was here.
 */
class LiveRecord {
	constructor(private readonly ledger: Ledger) {}

	toJSON(): IDataObject {
		return this.ledger.toRecord();
	}
}

const ledgers = new Map<string, Ledger>();

/** Slot texts of a stored record; the first version's `{ key: expiresAt }` map is read too. */
function storedSlots(value: unknown, now: number, ttlMs: number): Array<[number, string]> {
	// Our own unsaved write (the same static-data object read again in this process).
	const saved = value instanceof LiveRecord ? value.toJSON() : value;
	if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return [];
	const record = saved as IDataObject;
	if (record.v === RECORD_VERSION && record.slots && typeof record.slots === 'object') {
		return Object.entries(record.slots as IDataObject)
			.filter(([id, text]) => /^\d+$/.test(id) && typeof text === 'string' && text.length % TOKEN_LENGTH === 0)
			.map(([id, text]) => [Number(id), text as string]);
	}
	return Object.entries(record)
		.filter(([, expires]) => typeof expires === 'number' && expires > now)
		.map(([key, expires]): [number, string] => [Math.floor(((expires as number) - ttlMs) / SLOT_MS), deliveryToken(key)]);
}

/** The slots of a record (stored or carried) that are still within the time to remember. */
function liveSlots(value: unknown, now: number, ttlMs: number): Array<[number, string]> {
	return storedSlots(value, now, ttlMs).filter(([slot]) => !slotExpired(slot, now, ttlMs));
}

/** The item field that carries the record from the webhook to the execution (removed there). */
export const CARRIED_RECORD_FIELD = '__esmsDeliveries';

export class DeliveryLog {
	private readonly ledger: Ledger;

	/** Tokens of the stored copy this log was opened on (slot id → text). */
	private readonly stored: Array<[number, string]>;

	private readonly storedCount: number;

	constructor(
		scope: string,
		private readonly staticData: IDataObject,
		private readonly ttlMs: number,
		private readonly now = Date.now(),
	) {
		let ledger = ledgers.get(scope);
		if (!ledger) ledgers.set(scope, (ledger = new Ledger()));
		this.ledger = ledger;
		this.stored = liveSlots(staticData.deliveries, now, ttlMs);
		for (const [slot, text] of this.stored) ledger.merge(slot, text);
		this.storedCount = this.stored.reduce((n, [, text]) => n + text.length / TOKEN_LENGTH, 0);
		ledger.prune(now, ttlMs);
	}

	/** The record as this process knows it, to travel with the callback's item. */
	carried(): IDataObject {
		return this.ledger.toRecord();
	}

	/** Adds a record that travelled with an item (what the receiving process knew). */
	mergeCarried(value: unknown): void {
		for (const [slot, text] of liveSlots(value, this.now, this.ttlMs)) this.ledger.merge(slot, text);
		this.ledger.prune(this.now, this.ttlMs);
	}

	seen(key: string): boolean {
		return this.ledger.has(deliveryToken(key));
	}

	/** Remembers the delivery and writes the whole ledger into the static data. */
	record(key: string): void {
		this.ledger.add(Math.floor(this.now / SLOT_MS), deliveryToken(key));
		this.write();
	}

	/**
	 * Remembers the delivery; writes the static data only when its stored copy lacks it or anything
	 * else this process knows, so that n8n saves nothing when the copy is already complete.
	 */
	recordIfMissing(key: string): void {
		const token = deliveryToken(key);
		this.ledger.add(Math.floor(this.now / SLOT_MS), token);
		// The stored copy's tokens are all in the ledger, so a larger ledger means the copy lacks some.
		if (!this.stored.some(([, text]) => textHasToken(text, token)) || this.ledger.count > this.storedCount) this.write();
	}

	private write(): void {
		this.ledger.prune(this.now, this.ttlMs);
		this.staticData.deliveries = new LiveRecord(this.ledger) as unknown as IDataObject;
	}
}

interface DeliveryOptions {
	ignoreRepeats?: boolean;
	rememberHours?: number;
}

/** The log of this trigger node, or undefined when repeats are not to be suppressed. */
export function openDeliveryLog(
	ctx: Pick<IWebhookFunctions, 'getMode' | 'getWorkflow' | 'getNode' | 'getWorkflowStaticData'>,
	options: DeliveryOptions,
): DeliveryLog | undefined {
	// The test URL (manual mode) starts a run per delivery on purpose; n8n saves no static data there.
	if (options.ignoreRepeats === false || ctx.getMode() === 'manual') return undefined;
	const hours = Number(options.rememberHours ?? DEFAULT_REMEMBER_HOURS);
	return new DeliveryLog(
		`${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`,
		ctx.getWorkflowStaticData('node'),
		(Number.isFinite(hours) && hours > 0 ? hours : DEFAULT_REMEMBER_HOURS) * 3600_000,
	);
}
