/** The answer to any call-placing request (recording, template, voice OTP). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CODE_DUPLICATE_REQUEST_ID, PARAM } from '../../../shared/wire';
import { esmsCodeError, isSuccess, type EsmsAnswer } from '../../transport';
import type { OperationContext, PreparedRequest } from '../types';

export function placedCallOutput(
	this: IExecuteFunctions,
	answer: EsmsAnswer,
	prepared: PreparedRequest,
	ctx: OperationContext,
): IDataObject {
	const requestId = (prepared.request.params[PARAM.requestId] as string | undefined) ?? null;
	if (isSuccess(answer)) {
		return {
			referenceId: String(answer.body.SMSID ?? '').trim(),
			alreadyPlaced: false,
			...prepared.echo,
			requestId,
			code: answer.code,
		};
	}
	if (answer.code === CODE_DUPLICATE_REQUEST_ID && requestId) {
		// Retry On Fail or a re-run: eSMS already has this call, so it was not placed twice.
		return {
			referenceId: null,
			alreadyPlaced: true,
			...prepared.echo,
			requestId,
			code: answer.code,
			message: 'eSMS already accepted a call with this request ID in the last 24 hours; it was not placed again.',
		};
	}
	throw esmsCodeError(this, answer, prepared.request.itemIndex, ctx.settings);
}

/** A call the failed execution placed, answered by its retry without asking eSMS again. */
export function placedBeforeRetryOutput(prepared: PreparedRequest, referenceId: string | null): IDataObject {
	return {
		referenceId,
		alreadyPlaced: true,
		...prepared.echo,
		requestId: (prepared.request.params[PARAM.requestId] as string | undefined) ?? null,
		code: null,
		message: 'The failed execution this retry repeats already placed this call; it was not placed again.',
	};
}
