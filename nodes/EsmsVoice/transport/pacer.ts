/**
 * Paces the requests of one node run to eSMS's per-account limit (requests per second). Start
 * slots are handed out evenly (1020 / pace ms apart) to every concurrent worker. When eSMS still
 * answers 160 (over the limit), the pace drops (once per second) to what eSMS accepted during the
 * last second, nothing starts before eSMS's window frees a place, and the pace climbs back quickly
 * to the most eSMS has accepted within one second, slowly above that (after a pause), never above
 * the configured ceiling.
 */
import { sleep } from 'n8n-workflow';

/** eSMS counts requests over one second. */
const WINDOW_MS = 1000;
/**
 * Starts are spread over a second plus this: at exactly `pace` per second every (pace + 1)-th
 * request would reach eSMS right at the edge of the window of the first, where a millisecond of
 * timer or network jitter earns a 160 (and a lost slot) about half the time.
 */
const EDGE_GUARD_MS = 20;
/**
 * The most time behind the even spacing that is made up, within the window's limit: a loop's
 * pause between two batches. After a longer pause the spacing only starts again.
 */
const CATCH_UP_MS = 1000;
/** Made-up starts go this many times faster than the pace, never all at once. */
const CATCH_UP_SPEED = 4;
/** Above the best known rate: +1 request/s for about every 5 s without a 160 (probing for more). */
const RECOVERY = 0.2;
/**
 * Below it: back to the best known rate within about 2 s (+half of it per second). eSMS accepted
 * that rate before, so a long crawl back (at 100/s, 50 s from 90/s) would only waste time.
 */
const RETURN_SHARE = 0.5;
/**
 * No probing for this long after a 160 at the best known rate: eSMS just refused more than that,
 * and at 5/s probing at once overshoots again within a second (about one 160 a second).
 */
const PROBE_PAUSE_MS = 10_000;
/** A 160 with fewer accepted in the window than this share of the best means eSMS accepts less now. */
const SHRINK_SHARE = 0.9;

/**
 * eSMS limits an account, not a node run: a loop that places a campaign in batches, or two
 * workflows on one account, run the node many times. Runs within this process share one pacer
 * per account and ceiling for as long as it is in use (and a while after), so a batch starts at
 * the pace the last one ended with, counting the requests still in eSMS's window.
 */
const accountPacers = new Map<string, { pacer: RequestPacer; usedAt: number }>();
/** How long an account's pacer is kept after its last use. */
export const ACCOUNT_PACER_IDLE_MS = 10 * 60_000;

export class RequestPacer {
	private pace: number;

	private nextSlot = 0;

	/** When eSMS's accepted answers of the last second came. */
	private readonly acceptedAt: number[] = [];

	/** When the requests accepted in the last second were started. */
	private acceptedStarts: number[] = [];

	/** When the slots of the last window were handed out (oldest first). */
	private startedAt: number[] = [];

	/** The most requests started and accepted within one second in this run: a rate eSMS allows. */
	private best = 0;

	private lastCutAt = -Infinity;

	/** How many times the pace was cut: a slot handed out before a cut is handed out again. */
	private cuts = 0;

	private probeFrom = 0;

	private readonly ceiling: number;

	/** @param perSecond the ceiling; 0 = no fixed pace (only what 160 answers teach). */
	constructor(
		perSecond: number,
		private readonly clock: () => number = Date.now,
	) {
		this.ceiling = perSecond > 0 ? perSecond : Infinity;
		this.pace = this.ceiling;
	}

	/** The pacer of one account (and ceiling), shared by the runs of this process. */
	static forAccount(account: string, perSecond: number, clock: () => number = Date.now): RequestPacer {
		const key = `${perSecond}:${account}`;
		const now = clock();
		for (const [name, entry] of accountPacers) if (now - entry.usedAt > ACCOUNT_PACER_IDLE_MS) accountPacers.delete(name);
		let entry = accountPacers.get(key);
		if (!entry) {
			entry = { pacer: new RequestPacer(perSecond, clock), usedAt: now };
			accountPacers.set(key, entry);
		}
		entry.usedAt = now;
		return entry.pacer;
	}

	/** Requests per second now (Infinity = unpaced). */
	get currentPace(): number {
		return this.pace;
	}

	/** Resolves, with the time, when the next request may start. */
	async wait(): Promise<number> {
		for (;;) {
			const now = this.clock();
			if (!Number.isFinite(this.pace)) return now;
			const interval = (WINDOW_MS + EDGE_GUARD_MS) / this.pace;
			// Just behind the even spacing (a loop wrote its batch between two node runs): that time
			// is made up, at a quarter interval apart (sent all at once, the last of them would reach
			// eSMS later than it started, and a window there would hold one too many). No window
			// ever holds more starts than the pace allows; after a pause (no start in the last
			// window) the spacing starts afresh.
			const freesAt = this.windowFreesAt(now);
			const last = this.startedAt[this.startedAt.length - 1];
			const behind = this.nextSlot < now && last !== undefined;
			const nominal = behind ? Math.max(this.nextSlot, now - CATCH_UP_MS) : Math.max(now, this.nextSlot);
			const slot = Math.max(now, nominal, freesAt, last === undefined ? -Infinity : last + interval / CATCH_UP_SPEED);
			this.nextSlot = nominal + interval;
			this.startedAt.push(slot);
			if (slot <= now) return now;
			const cuts = this.cuts;
			await sleep(slot - now);
			// A cut while waiting: this slot was spaced for a pace eSMS refused (with Concurrency
			// 10 at 5/s, two seconds of them), so queue again at the new pace.
			if (this.cuts === cuts) return this.clock();
		}
	}

	/** eSMS answered something other than 160 to the request started at `startedAt`. */
	accepted(startedAt = this.clock()): void {
		const now = this.clock();
		this.acceptedAt.push(now);
		this.forgetBefore(now - WINDOW_MS);
		// Started and answered within the last second: eSMS accepted all of these within one of its
		// windows. Counting answers alone would take a slow answer's delay for room (and 6/s at 5/s).
		this.acceptedStarts = this.acceptedStarts.filter((time) => time > now - WINDOW_MS);
		if (startedAt > now - WINDOW_MS) this.acceptedStarts.push(startedAt);
		if (Number.isFinite(this.pace)) {
			// Each accepted request adds share / pace: per second (pace requests) that is +share.
			const probe = now >= this.probeFrom ? RECOVERY / this.pace : 0;
			const step = this.pace < this.best ? (RETURN_SHARE * this.best) / this.pace : probe;
			const target = this.pace < this.best ? this.best : Infinity;
			this.pace = Math.min(this.ceiling, target, this.pace + step);
		}
		this.best = Math.max(this.best, this.acceptedStarts.length);
	}

	/** eSMS answered 160: slow down to what it accepted in the last second. */
	limited(): void {
		const now = this.clock();
		this.forgetBefore(now - WINDOW_MS);
		const inWindow = this.acceptedAt.length;
		// The 160s of one window answer one overshoot (the requests already in flight): cut once.
		if (now - this.lastCutAt >= WINDOW_MS) {
			// Refused well below a rate eSMS accepted before: another workflow shares the account,
			// or the limit was lowered. Forget that rate and probe slowly from the new one at once.
			// (At least 2 fewer: at 5/s one request less is 20 %, and where the window ends is a guess.)
			const shrunk = inWindow < Math.min(SHRINK_SHARE * this.best, this.best - 1);
			if (shrunk) this.best = inWindow;
			this.probeFrom = shrunk ? now : now + PROBE_PAUSE_MS;
			this.pace = Math.max(1, Math.min(this.pace, inWindow, this.best > 0 ? this.best : Infinity));
			this.lastCutAt = now;
			this.cuts++;
			this.nextSlot = 0;
			// Slots handed out for later are handed out again (their waiters queue at the new pace).
			this.startedAt = this.startedAt.filter((time) => time <= now);
		}
		// eSMS frees a place when the oldest request it accepted in its window is a second old (our
		// answer times are later than its arrival times, so this is not early). Sending before that
		// (as the first unpaced burst would) only earns more 160s.
		const freedAt = inWindow > 0 ? this.acceptedAt[0] + WINDOW_MS : now;
		this.nextSlot = Math.max(this.nextSlot, freedAt, now + (WINDOW_MS + EDGE_GUARD_MS) / this.pace);
	}

	/** The earliest start that leaves at most `pace` starts in any window (edge guard included). */
	private windowFreesAt(now: number): number {
		const span = WINDOW_MS + EDGE_GUARD_MS;
		while (this.startedAt.length > 0 && this.startedAt[0] <= now - span) this.startedAt.shift();
		// Rounded up: at 5.6/s a window may hold 6 (a probe above the best known rate).
		const capacity = Math.max(1, Math.ceil(this.pace));
		return this.startedAt.length < capacity ? -Infinity : this.startedAt[this.startedAt.length - capacity] + span;
	}

	private forgetBefore(time: number): void {
		let drop = 0;
		while (drop < this.acceptedAt.length && this.acceptedAt[drop] <= time) drop++;
		if (drop > 0) this.acceptedAt.splice(0, drop);
	}
}
