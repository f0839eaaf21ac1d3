/** The fields every call-placing operation shows, and the query parameters they become. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { WAIT_OPERATIONS } from './descriptions';
import { resolveRequestId } from './requestId';
import type { SendDateStyle } from './schedule';
import { requireCallbackUrl, requireSchedule, isBlank } from './validate';
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

/** SendDate, CallbackUrl and RequestId: every call-placing operation has them. */
export function buildCommonCallParams(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: IDataObject,
	style: SendDateStyle,
	autoRequestId: boolean,
): IDataObject {
	const params: IDataObject = {};
	if (!isBlank(fields.scheduleAt)) params[PARAM.sendDate] = requireSchedule(ctx, itemIndex, fields.scheduleAt, style);
	if (!isBlank(fields.callbackUrl)) params[PARAM.callbackUrl] = requireCallbackUrl(ctx, itemIndex, fields.callbackUrl);
	const requestId = resolveRequestId(ctx, itemIndex, fields, autoRequestId);
	if (requestId) params[PARAM.requestId] = requestId;
	return params;
}
