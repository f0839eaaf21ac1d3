/**
 * Remembers which callbacks already started an execution, so eSMS's re-deliveries start none.
 * Two layers: the workflow's static data (saved by n8n in its database after each webhook call:
 * survives restarts, shared by every n8n process of the instance) and a per-process memory that
 * also catches repeats arriving at the same moment, before the database copy is saved.
 */
import type { IDataObject } from 'n8n-workflow';

export const DEFAULT_REMEMBER_HOURS = 24;
const MAX_REMEMBERED = 10000;

const memory = new Map<string, Map<string, number>>();

function prune(entries: Map<string, number>, now: number): void {
	for (const [key, expires] of entries) {
		if (expires <= now) entries.delete(key);
	}
	while (entries.size > MAX_REMEMBERED) {
		const oldest = entries.keys().next().value as string;
		entries.delete(oldest);
	}
}

export class DeliveryLog {
	private readonly local: Map<string, number>;

	private readonly stored: Map<string, number>;

	constructor(
		scope: string,
		private readonly staticData: IDataObject,
		private readonly ttlMs: number,
		private readonly now = Date.now(),
	) {
		let local = memory.get(scope);
		if (!local) memory.set(scope, (local = new Map()));
		this.local = local;
		const saved = staticData.deliveries;
		this.stored = new Map(
			saved && typeof saved === 'object' && !Array.isArray(saved)
				? Object.entries(saved as Record<string, number>).filter(([, expires]) => typeof expires === 'number')
				: [],
		);
		prune(this.local, now);
	}

	seen(key: string): boolean {
		return (this.local.get(key) ?? 0) > this.now || (this.stored.get(key) ?? 0) > this.now;
	}

	record(key: string): void {
		const expires = this.now + this.ttlMs;
		this.local.delete(key);
		this.local.set(key, expires);
		this.stored.delete(key);
		this.stored.set(key, expires);
		prune(this.stored, this.now);
		this.staticData.deliveries = Object.fromEntries(this.stored);
	}
}
