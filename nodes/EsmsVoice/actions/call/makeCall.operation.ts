/** Call → Make Call: plays a recording uploaded on account.esms.vn (MakeCallRecord_V2). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ENDPOINTS, PARAM } from '../../../shared/wire';
import { doNotCallField } from '../doNotCall';
import { buildCommonCallParams, callbackUrlField, phoneField, requestIdField, scheduleField } from '../fields';
import { RECORDING_WAIT_OPERATION } from '../descriptions';
import type { ItemOperation, OperationContext, PreparedRequest } from '../types';
import { isBlank, requireInteger, requireIvrKey, requirePhone, requireText } from '../validate';
import { placedCallOutput } from './placedCall';

export const RECORDING_OPERATIONS = ['makeCall', RECORDING_WAIT_OPERATION];
const show = { resource: ['call'], operation: RECORDING_OPERATIONS };

const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((key) => ({ name: key, value: key }));

const description: INodeProperties[] = [
	{ ...phoneField, displayOptions: { show } },
	{
		displayName: 'Recording ID',
		name: 'recordingId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '123456',
		description: 'ID of an approved recording uploaded on account.esms.vn (sent as TemplateId)',
		displayOptions: { show },
	},
	{
		displayName: 'Forward on Key Press',
		name: 'forwardOnKeyPress',
		type: 'boolean',
		default: false,
		description: 'Whether to transfer the call to another number when the listener presses a key (IVR)',
		displayOptions: { show },
	},
	{
		displayName: 'Key',
		name: 'ivrKey',
		type: 'options',
		options: KEYS,
		default: '1',
		description: 'The key the listener presses to be transferred',
		displayOptions: { show: { ...show, forwardOnKeyPress: [true] } },
	},
	{
		displayName: 'Forward To',
		name: 'forwardTo',
		type: 'string',
		default: '',
		required: true,
		placeholder: '02871002454',
		description: 'Number the call is transferred to, e.g. your call centre',
		displayOptions: { show: { ...show, forwardOnKeyPress: [true] } },
	},
	{
		displayName: 'Seconds to Wait for Key',
		name: 'keyWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		description: 'How long eSMS waits for the key press after the recording',
		displayOptions: { show: { ...show, forwardOnKeyPress: [true] } },
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
			doNotCallField,
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many times to call again when nobody picks up (MaxRetry)',
			},
			{
				displayName: 'Repeat Recording',
				name: 'repeatCount',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many times the recording is repeated while the listener is on the line (MaxRepeat)',
			},
			requestIdField,
			scheduleField,
			{
				displayName: 'Seconds Between Retries',
				name: 'retryIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How long to wait before calling again when nobody picked up (WaitRetry)',
			},
		],
	},
];

/** The recording-specific query parameters; shared with "Make Call and Wait for Result". */
export function buildRecordingCallParams(this: IExecuteFunctions, i: number, ctx: OperationContext): PreparedRequest {
	const phone = requirePhone(this, i, 'Phone', this.getNodeParameter('phone', i));
	const recordingId = requireText(this, i, 'Recording ID', this.getNodeParameter('recordingId', i), 'the ID of a recording uploaded on account.esms.vn');
	const params: IDataObject = { [PARAM.phone]: phone, [PARAM.templateId]: recordingId };
	if (this.getNodeParameter('forwardOnKeyPress', i, false) as boolean) {
		params[PARAM.ivr] = requireIvrKey(this, i, this.getNodeParameter('ivrKey', i));
		params[PARAM.numberForward] = requirePhone(this, i, 'Forward To', this.getNodeParameter('forwardTo', i));
		params[PARAM.timeWaitToIvr] = requireInteger(this, i, 'Seconds to Wait for Key', this.getNodeParameter('keyWaitSeconds', i), 1);
	}
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	if (!isBlank(fields.maxRetries)) params[PARAM.maxRetry] = requireInteger(this, i, 'Max Retries', fields.maxRetries, 0);
	if (!isBlank(fields.retryIntervalSeconds)) {
		params[PARAM.waitRetry] = requireInteger(this, i, 'Seconds Between Retries', fields.retryIntervalSeconds, 0);
	}
	if (!isBlank(fields.repeatCount)) params[PARAM.maxRepeat] = requireInteger(this, i, 'Repeat Recording', fields.repeatCount, 0);
	const common = buildCommonCallParams(this, i, phone, fields, 'voice', ctx);
	Object.assign(params, common.params);
	return {
		request: { endpoint: ENDPOINTS.makeCallRecord, params, itemIndex: i, hasRequestId: PARAM.requestId in params },
		echo: common.echo,
		sendAt: common.sendAt,
		skip: common.skip,
	};
}

export const makeCall: ItemOperation = {
	description,
	prepare: buildRecordingCallParams,
	toOutput: placedCallOutput,
	placesCalls: true,
};
