/**
 * Paces the requests of one node run to eSMS's per-account limit (requests per second). Start
 * slots are handed out evenly (1000 / pace ms apart) to every concurrent worker. When eSMS still
 * answers 160 (over the limit), the pace drops to what eSMS accepted during the last second; each
 * accepted request then raises it slowly again, never above the configured ceiling.
 */
import { sleep } from 'n8n-workflow';

const WINDOW_MS = 1000;
/** Additive increase: about +1 request/s for every 5 s without a 160. */
const RECOVERY = 0.2;

export class RequestPacer {
	private pace: number;

	private nextSlot = 0;

	private readonly acceptedAt: number[] = [];

	/** @param perSecond the ceiling; 0 = no fixed pace (only what 160 answers teach). */
	constructor(
		perSecond: number,
		private readonly clock: () => number = Date.now,
	) {
		this.ceiling = perSecond > 0 ? perSecond : Infinity;
		this.pace = this.ceiling;
	}

	private readonly ceiling: number;

	/** Requests per second now (Infinity = unpaced). */
	get currentPace(): number {
		return this.pace;
	}

	/** Resolves when the next request may start. */
	async wait(): Promise<void> {
		if (!Number.isFinite(this.pace)) return;
		const now = this.clock();
		const slot = Math.max(now, this.nextSlot);
		this.nextSlot = slot + WINDOW_MS / this.pace;
		if (slot > now) await sleep(slot - now);
	}

	/** eSMS answered something other than 160. */
	accepted(): void {
		const now = this.clock();
		this.acceptedAt.push(now);
		this.forgetBefore(now - WINDOW_MS);
		if (Number.isFinite(this.pace)) this.pace = Math.min(this.ceiling, this.pace + RECOVERY / this.pace);
	}

	/** eSMS answered 160: slow down to what it accepted in the last second. */
	limited(): void {
		const now = this.clock();
		this.forgetBefore(now - WINDOW_MS);
		this.pace = Math.max(1, Math.min(this.pace, this.acceptedAt.length));
		this.nextSlot = Math.max(this.nextSlot, now + WINDOW_MS / this.pace);
	}

	private forgetBefore(time: number): void {
		let drop = 0;
		while (drop < this.acceptedAt.length && this.acceptedAt[drop] <= time) drop++;
		if (drop > 0) this.acceptedAt.splice(0, drop);
	}
}
