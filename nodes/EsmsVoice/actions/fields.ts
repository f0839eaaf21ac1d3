/** The fields every call-placing operation shows, and the query parameters they become. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ALL_DAYS, type CallingHoursMode, nextOpening, outsideHoursReason, requireCallingWindow } from './callingHours';
import { WAIT_OPERATIONS } from './descriptions';
import { DO_NOT_CALL_REASON } from './doNotCall';
import { resolveRequestId } from './requestId';
import { formatVietnamSendDate, type SendDateStyle } from './schedule';
import type { OperationContext } from './types';
import { inputError, isBlank, requireCallbackUrl, requireSchedule } from './validate';
import { PARAM } from '../../shared/wire';

export const phoneField: INodeProperties = {
	displayName: 'Phone',
	name: 'phone',
	type: 'string',
	default: '',
	required: true,
	placeholder: '0912345678',
	description: 'Vietnamese number to call: 0912345678, 84912345678, +84 912 345 678 and 0912.345.678 all work',
};

export const scheduleField: INodeProperties = {
	displayName: 'Schedule At',
	name: 'scheduleAt',
	type: 'dateTime',
	default: '',
	description:
		'When eSMS should place the call. Sent as Vietnam time (Asia/Ho_Chi_Minh); a time without an offset is read in the workflow time zone. Leave empty to call now.',
};

export const callbackUrlField: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'https://n8n.example.com/webhook/…/esms-voice',
	description:
		'Where eSMS sends the call result (HTTP GET). Paste the production URL of an eSMS Voice Trigger node here.',
	// The wait operations use the execution's own resume URL instead.
	displayOptions: { hide: { '/operation': WAIT_OPERATIONS } },
};

export const requestIdField: INodeProperties = {
	displayName: 'Request ID',
	name: 'requestId',
	type: 'string',
	default: '',
	description:
		'Your own ID for this call (max 50 characters). eSMS refuses a second call with the same ID for 24 hours. Leave empty to let the node derive one per execution and item.',
};

export interface CommonCallParams {
	/** SendDate, CallbackUrl and RequestId, as far as set. */
	params: IDataObject;
	/** What the output item repeats: the phone, and when and why the call is scheduled. */
	echo: IDataObject;
	/** When eSMS is to place the call (ms since epoch); undefined = now. */
	sendAt?: number;
	/** Set when the call must not be placed: the item's output, with the reason. */
	skip?: IDataObject;
}

/**
 * SendDate, CallbackUrl and RequestId, which every call-placing operation has, after the
 * Do-Not-Call list and Calling Hours had their say. Runs after the operation's own checks, so a
 * skipped item was still checked in full.
 */
export function buildCommonCallParams(
	ctx: IExecuteFunctions,
	itemIndex: number,
	phone: string,
	fields: IDataObject,
	style: SendDateStyle,
	operation: OperationContext,
	defaultMode: CallingHoursMode = 'schedule',
): CommonCallParams {
	const params: IDataObject = {};
	const echo: IDataObject = { phone };
	let because: string | undefined;
	const nowMs = Date.now();
	let sendAt = isBlank(fields.scheduleAt) ? undefined : requireSchedule(ctx, itemIndex, fields.scheduleAt, nowMs);
	const callbackUrl = isBlank(fields.callbackUrl) ? undefined : requireCallbackUrl(ctx, itemIndex, fields.callbackUrl);
	const requestId = resolveRequestId(ctx, itemIndex, fields, operation.autoRequestId);
	const doNotCall = operation.doNotCall.numbers(ctx, itemIndex, fields.doNotCall);

	// Version 1 predates Calling Hours: its workflows keep calling at any time.
	const versionDefault = ctx.getNode().typeVersion >= 1.1 ? defaultMode : 'anyTime';
	const mode = ctx.getNodeParameter('callingHours', itemIndex, versionDefault) as CallingHoursMode;
	let skip: IDataObject | undefined;
	if (mode === 'schedule' || mode === 'skip') {
		const window = requireCallingWindow(
			ctx,
			itemIndex,
			ctx.getNodeParameter('callingHoursStart', itemIndex, '08:00'),
			ctx.getNodeParameter('callingHoursEnd', itemIndex, '17:00'),
			ctx.getNodeParameter('callingDays', itemIndex, ALL_DAYS),
		);
		const ringsAt = sendAt ?? nowMs;
		const opening = nextOpening(window, ringsAt);
		if (opening !== ringsAt && mode === 'skip') {
			skip = { skipped: true, reason: outsideHoursReason(window), phone, callableFrom: formatVietnamSendDate(opening, style) };
		} else if (opening !== ringsAt) {
			sendAt = opening;
			because = outsideHoursReason(window);
		}
	} else if (mode !== 'anyTime') {
		throw inputError(ctx, itemIndex, 'Calling Hours', `${JSON.stringify(mode)} is not a choice`, 'Any Time, Schedule Outside Hours or Skip Outside Hours');
	}
	if (doNotCall.has(phone)) skip = { skipped: true, reason: DO_NOT_CALL_REASON, phone };
	if (skip) return { params, echo, skip };

	if (sendAt !== undefined) {
		params[PARAM.sendDate] = formatVietnamSendDate(sendAt, style);
		echo.scheduledFor = params[PARAM.sendDate];
		if (because) echo.scheduledBecause = because;
	}
	if (callbackUrl !== undefined) params[PARAM.callbackUrl] = callbackUrl;
	if (requestId) params[PARAM.requestId] = requestId;
	return { params, echo, sendAt };
}
