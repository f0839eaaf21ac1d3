/**
 * One shape for a call's result, whether it came from GetSendStatus or from the callback eSMS
 * sends: the trigger, "Make Call and Wait for Result" and "Get Status" all output it.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	CALL_STATUS_ANSWERED,
	CALL_STATUS_NO_ANSWER,
	SEND_STATUS_FINAL,
	SEND_STATUS_LABELS,
} from './wire';

export type NormalizedCallStatus = 'answered' | 'noAnswer' | 'unknown';

export interface CallResult extends IDataObject {
	referenceId: string;
	answered: boolean;
	callStatus: NormalizedCallStatus;
	callStatusRaw: string;
	durationSeconds: number;
	keyPressed: string | null;
	price: number | null;
	sentResult: boolean;
	callerId: string | null;
	sendStatus: number | null;
	sendStatusLabel: string;
	final: boolean;
}

export function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	return String(value).trim();
}

export function numberOrNull(value: unknown): number | null {
	const t = text(value);
	if (t === '') return null;
	const n = Number(t);
	return Number.isFinite(n) ? n : null;
}

export function normalizeCallStatus(raw: unknown): NormalizedCallStatus {
	const status = text(raw).toUpperCase().replace(/\s+/g, ' ');
	if (CALL_STATUS_ANSWERED.includes(status)) return 'answered';
	if (CALL_STATUS_NO_ANSWER.includes(status)) return 'noAnswer';
	return 'unknown';
}

export function sendStatusLabel(sendStatus: number | null): string {
	if (sendStatus === null) return 'Not reported';
	return SEND_STATUS_LABELS[sendStatus] ?? `Unknown (${sendStatus})`;
}

/**
 * The one rule for "this is the final result", for a call and a voice OTP alike: SendStatus 5, or
 * no SendStatus at all (eSMS's 2023 callback page had none: such a result is the final one). The
 * trigger's "Only Final Results", the wait's resume and Get Status's `final` all read it.
 */
export function isFinalSendStatus(raw: unknown): boolean {
	return numberOrNull(raw) === SEND_STATUS_FINAL || text(raw) === '';
}

/** Builds the normalised result from eSMS's field names (ReferenceId, CallStatus, Ivr, …). */
export function normalizeCallResult(fields: Record<string, unknown>): CallResult {
	const callStatusRaw = text(fields.CallStatus);
	const callStatus = normalizeCallStatus(callStatusRaw);
	const sendStatus = numberOrNull(fields.SendStatus);
	const key = text(fields.Ivr);
	return {
		referenceId: text(fields.ReferenceId),
		answered: callStatus === 'answered',
		callStatus,
		callStatusRaw,
		durationSeconds: numberOrNull(fields.CallDuration) ?? 0,
		keyPressed: key === '' ? null : key,
		price: numberOrNull(fields.Price),
		sentResult: numberOrNull(fields.SentResult) === 1,
		callerId: text(fields.CID) || null,
		sendStatus,
		sendStatusLabel: sendStatusLabel(sendStatus),
		final: isFinalSendStatus(fields.SendStatus),
	};
}
