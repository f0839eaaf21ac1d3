// Accepted calls and how they play out: pending, then final after callDelayMs, with callbacks.
import type * as http from 'node:http';
import {
	buildCallbackUrl,
	callbackQuery,
	sendCallback,
	SEND_STATUS_FINISHED,
	SEND_STATUS_SENT,
	SEND_STATUS_WAITING,
} from './callbacks';
import { CancelledError, TimerRegistry } from './timers';
import type { CallbackAttempt, EffectiveOptions, SimulatedCall } from './types';
import { idKey } from './validation';

/** What the call book needs from the simulator that owns it. */
export interface CallHost {
	readonly options: EffectiveOptions;
	/** Deduct a final call's price. */
	charge(amount: number): void;
	recordCallback(attempt: CallbackAttempt): void;
	/** Something changed that a waiter may be waiting for. */
	changed(): void;
	log(line: string): void;
}

export type NewCall = Omit<SimulatedCall, 'status' | 'createdAt' | 'finishedAt'>;

export class CallBook {
	/** Keyed by the lower-cased ID: eSMS finds an ID whatever its case. */
	private readonly calls = new Map<string, SimulatedCall>();
	private readonly timers = new TimerRegistry();
	private readonly inFlight = new Set<http.ClientRequest>();
	/** Calls still pending or with callbacks still to deliver. */
	private busy = 0;
	/** Bumped by abort(): work started before it must not touch the state any more. */
	private generation = 0;

	constructor(private readonly host: CallHost) {}

	get(referenceId: string): SimulatedCall | undefined {
		return this.calls.get(idKey(referenceId));
	}

	/** Every call placed, oldest first. */
	list(): SimulatedCall[] {
		return [...this.calls.values()];
	}

	get idle(): boolean {
		return this.busy === 0;
	}

	place(init: NewCall): SimulatedCall {
		const call: SimulatedCall = { ...init, status: 'pending', createdAt: Date.now() };
		this.calls.set(idKey(call.referenceId), call);
		const generation = this.generation;
		this.busy++;
		this.play(call, generation)
			.catch((error: unknown) => {
				if (!(error instanceof CancelledError)) this.host.log(`call ${call.referenceId} failed: ${String(error)}`);
			})
			.finally(() => {
				if (generation !== this.generation) return;
				this.busy--;
				this.host.changed();
			});
		return call;
	}

	/** Cancel every timer and callback in flight; keep the calls (stop). */
	abort(): void {
		this.generation++;
		this.busy = 0;
		this.timers.cancelAll();
		for (const request of this.inFlight) request.destroy();
		this.inFlight.clear();
		this.host.changed();
	}

	/** abort() and forget every call (reset). */
	clear(): void {
		this.abort();
		this.calls.clear();
	}

	private async play(call: SimulatedCall, generation: number): Promise<void> {
		// The call turns final on its own clock, however long the intermediate callbacks take.
		const finished = this.timers.sleep(this.host.options.callDelayMs).then(() => this.finish(call, generation));
		finished.catch(() => undefined);
		const { intermediateCallbacks, omitSendStatus } = this.host.options;
		// Without SendStatus (the 2023 form) only the final result is ever sent.
		if (call.callbackUrl !== undefined && intermediateCallbacks && !omitSendStatus) {
			await this.deliver(call, SEND_STATUS_WAITING, generation);
			await this.deliver(call, SEND_STATUS_SENT, generation);
		}
		await finished;
		if (call.callbackUrl !== undefined) await this.deliver(call, SEND_STATUS_FINISHED, generation);
	}

	private finish(call: SimulatedCall, generation: number): void {
		this.assertCurrent(generation);
		call.status = 'final';
		call.finishedAt = Date.now();
		this.host.charge(call.outcome.price);
		this.host.changed();
	}

	/** One callback with its retries: again while the answer is not HTTP 200. */
	private async deliver(call: SimulatedCall, sendStatus: number, generation: number): Promise<void> {
		const { callbackStyle, maxCallbackRetries, callbackRetryDelayMs, omitSendStatus } = this.host.options;
		const url = buildCallbackUrl(call.callbackUrl ?? '', callbackQuery(call, sendStatus, omitSendStatus), callbackStyle);
		const final = sendStatus === SEND_STATUS_FINISHED;
		if (final) call.resultDelivery = 'sending';
		for (let attempt = 1; attempt <= maxCallbackRetries + 1; attempt++) {
			this.assertCurrent(generation);
			const sentAt = Date.now();
			const status = await sendCallback(url, this.inFlight);
			this.assertCurrent(generation);
			this.host.recordCallback({ url, status, attempt, referenceId: call.referenceId, sendStatus, sentAt, time: Date.now() });
			// The receiver's URL may carry a token: log the outcome, never the URL.
			this.host.log(`callback ${call.referenceId} SendStatus=${sendStatus} attempt ${attempt} -> ${status}`);
			if (status === 200) {
				if (final) call.resultDelivery = 'delivered';
				return;
			}
			if (attempt <= maxCallbackRetries) await this.timers.sleep(callbackRetryDelayMs);
		}
		if (final) call.resultDelivery = 'failed';
	}

	private assertCurrent(generation: number): void {
		if (generation !== this.generation) throw new CancelledError();
	}
}
