/** Call → Send Voice OTP: eSMS reads a short text out (rest host, SendMultipleMessage_V4, SmsType 8). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ENDPOINTS, PARAM, SMS_TYPE_VOICE_OTP } from '../../../shared/wire';
import { doNotCallField } from '../doNotCall';
import { buildCommonCallParams, callbackUrlField, phoneField, requestIdField, scheduleField } from '../fields';
import type { ItemOperation, OperationContext, PreparedRequest } from '../types';
import { requirePhone, requireText } from '../validate';
import { placedCallOutput } from './placedCall';

const show = { resource: ['call'], operation: ['sendVoiceOtp'] };

const description: INodeProperties[] = [
	{ ...phoneField, displayOptions: { show } },
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Ma xac thuc cua ban la 123456',
		description: 'The text eSMS reads out, usually containing the one-time code',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: { show },
		options: [
			callbackUrlField,
			{
				displayName: 'Campaign',
				name: 'campaign',
				type: 'string',
				default: '',
				description: 'Campaign name shown in eSMS reports',
			},
			doNotCallField,
			requestIdField,
			{
				displayName: 'Sandbox',
				name: 'sandbox',
				type: 'boolean',
				default: false,
				description: 'Whether eSMS only checks the request without calling anyone (nothing is charged)',
			},
			scheduleField,
			{
				displayName: 'Unicode Content',
				name: 'unicode',
				type: 'boolean',
				default: false,
				description: 'Whether the content contains Vietnamese accents (sent as IsUnicode)',
			},
		],
	},
];

function prepare(this: IExecuteFunctions, i: number, ctx: OperationContext): PreparedRequest {
	const phone = requirePhone(this, i, 'Phone', this.getNodeParameter('phone', i));
	const content = requireText(this, i, 'Content', this.getNodeParameter('content', i), 'the text to read out');
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const body: IDataObject = {
		[PARAM.phone]: phone,
		[PARAM.content]: content,
		[PARAM.smsType]: SMS_TYPE_VOICE_OTP,
		[PARAM.isUnicode]: fields.unicode === true ? '1' : '0',
		[PARAM.sandbox]: fields.sandbox === true ? '1' : '0',
	};
	if (typeof fields.campaign === 'string' && fields.campaign.trim() !== '') body[PARAM.campaignId] = fields.campaign.trim();
	// A one-time code is transactional: Calling Hours are off unless chosen.
	const common = buildCommonCallParams(this, i, phone, fields, 'rest', ctx, 'anyTime');
	Object.assign(body, common.params);
	return {
		request: { endpoint: ENDPOINTS.sendVoiceOtp, params: body, itemIndex: i, hasRequestId: PARAM.requestId in body },
		echo: { phone, sandbox: fields.sandbox === true, ...common.echo },
		sendAt: common.sendAt,
		skip: common.skip,
	};
}

export const sendVoiceOtp: ItemOperation = { description, prepare, toOutput: placedCallOutput, placesCalls: true };
