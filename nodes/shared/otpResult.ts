/**
 * One shape for a voice OTP's result. eSMS treats a voice OTP as an SMS-type message: its status
 * comes from the rest host's GetSendStatus (RefId) and its callback is the SMS callback (SMSID,
 * SendSuccess, SendFailed, …, no ReferenceId). Get Status and the trigger both output this.
 */
import type { IDataObject } from 'n8n-workflow';

import { isFinalSendStatus, numberOrNull, sendStatusLabel, text } from './callResult';

export interface OtpResult extends IDataObject {
	kind: 'voiceOtp';
	referenceId: string;
	/** eSMS reports at least one successful delivery (SendSuccess ≥ 1). */
	delivered: boolean;
	sendSuccess: number | null;
	sendFailed: number | null;
	totalSent: number | null;
	totalReceiver: number | null;
	totalPrice: number | null;
	sendStatus: number | null;
	sendStatusLabel: string;
	final: boolean;
	/** Callback only (null from Get Status): the RequestId sent, the number, the operator. */
	requestId: string | null;
	phone: string | null;
	telcoId: string | null;
	typeId: string | null;
}

/** Builds the normalised result from eSMS's field names (SMSID, SendSuccess, …). */
export function normalizeOtpResult(fields: Record<string, unknown>): OtpResult {
	const sendStatus = numberOrNull(fields.SendStatus);
	const sendSuccess = numberOrNull(fields.SendSuccess);
	return {
		kind: 'voiceOtp',
		referenceId: text(fields.SMSID),
		delivered: (sendSuccess ?? 0) >= 1,
		sendSuccess,
		sendFailed: numberOrNull(fields.SendFailed),
		totalSent: numberOrNull(fields.TotalSent),
		totalReceiver: numberOrNull(fields.TotalReceiver),
		totalPrice: numberOrNull(fields.TotalPrice),
		sendStatus,
		sendStatusLabel: sendStatusLabel(sendStatus),
		final: isFinalSendStatus(fields.SendStatus),
		requestId: text(fields.RequestId) || null,
		phone: text(fields.phonenumber) || null,
		telcoId: text(fields.telcoid) || null,
		typeId: text(fields.TypeId) || null,
	};
}
