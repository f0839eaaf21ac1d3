// What the simulator sent: the final results of its calls, and which of them reached a receiver.
import type { SimulatedCall, SimulatorSummary } from './types';

/** Counts over the calls (voice OTPs are left out: they have no answer or key). */
export function summarize(all: readonly SimulatedCall[]): SimulatorSummary {
	const summary: SimulatorSummary = {
		placed: 0,
		pending: 0,
		final: 0,
		answered: 0,
		noAnswer: 0,
		failed: 0,
		keys: {},
		totalPrice: 0,
		callbacks: { delivered: 0, neverDelivered: 0, sending: 0, noCallbackUrl: 0 },
		deliveredPrice: 0,
	};
	for (const call of all) {
		if (call.kind !== 'call') continue;
		summary.placed++;
		if (call.status !== 'final') {
			summary.pending++;
			continue;
		}
		summary.final++;
		const { callStatus, ivr, price } = call.outcome;
		if (callStatus === 'ANSWERED') summary.answered++;
		else if (callStatus === 'NO ANSWER') summary.noAnswer++;
		else summary.failed++;
		if (ivr !== '') summary.keys[ivr] = (summary.keys[ivr] ?? 0) + 1;
		summary.totalPrice += price;
		if (call.callbackUrl === undefined) summary.callbacks.noCallbackUrl++;
		else if (call.resultDelivery === 'delivered') {
			summary.callbacks.delivered++;
			summary.deliveredPrice += price;
		} else if (call.resultDelivery === 'failed') summary.callbacks.neverDelivered++;
		else summary.callbacks.sending++;
	}
	return summary;
}
