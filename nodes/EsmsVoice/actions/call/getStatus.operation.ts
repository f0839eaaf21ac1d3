/**
 * Call → Get Status: where a call or a voice OTP stands, normalised like the trigger's output.
 * A call's status comes from the voice host (GetSendStatus?ReferenceId); a voice OTP is an
 * SMS-type message, so its status comes from the rest host (GetSendStatus?RefId).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeCallResult } from '../../../shared/callResult';
import { normalizeOtpResult } from '../../../shared/otpResult';
import { ENDPOINTS, OTP_ID_PATTERN, PARAM } from '../../../shared/wire';
import { esmsCodeError, isSuccess } from '../../transport';
import type { ItemOperation, PreparedRequest } from '../types';
import { requireText } from '../validate';

const show = { resource: ['call'], operation: ['getStatus'] };

const description: INodeProperties[] = [
	{
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10',
		description: 'The referenceId that Make Call or Send Voice OTP returned (eSMS calls it SMSID)',
		displayOptions: { show },
	},
	{
		displayName: 'Kind',
		name: 'idKind',
		type: 'options',
		options: [
			{
				name: 'Auto-Detect',
				value: 'auto',
				description: 'A voice OTP ID is 32 or more hex digits without dashes; anything else is a call ID',
			},
			{ name: 'Call', value: 'call', description: 'Made by Make Call or Make Call From Template' },
			{ name: 'Voice OTP', value: 'voiceOtp', description: 'Sent by Send Voice OTP' },
		],
		default: 'auto',
		description: 'What the ID belongs to: eSMS answers the status of calls and of voice OTPs on different hosts',
		displayOptions: { show },
	},
];

/** Which endpoint to ask: the explicit choice, or the ID's format. */
export function statusKind(choice: unknown, id: string): 'call' | 'voiceOtp' {
	if (choice === 'call' || choice === 'voiceOtp') return choice;
	return OTP_ID_PATTERN.test(id) ? 'voiceOtp' : 'call';
}

function prepare(this: IExecuteFunctions, i: number): PreparedRequest {
	const referenceId = requireText(
		this,
		i,
		'Reference ID',
		this.getNodeParameter('referenceId', i),
		'the referenceId returned by Make Call or Send Voice OTP',
	);
	const otp = statusKind(this.getNodeParameter('idKind', i, 'auto'), referenceId) === 'voiceOtp';
	return {
		request: {
			endpoint: otp ? ENDPOINTS.getOtpStatus : ENDPOINTS.getSendStatus,
			params: { [otp ? PARAM.refId : PARAM.referenceId]: referenceId },
			itemIndex: i,
			hasRequestId: false,
		},
		echo: { referenceId },
	};
}

export const getStatus: ItemOperation = {
	description,
	prepare,
	toOutput(answer, prepared, ctx) {
		if (!isSuccess(answer)) throw esmsCodeError(this, answer, prepared.request.itemIndex, ctx.settings);
		const askedFor = String(prepared.echo.referenceId);
		if (prepared.request.endpoint === ENDPOINTS.getOtpStatus) {
			const result = normalizeOtpResult(answer.body);
			return { ...result, referenceId: result.referenceId || askedFor, raw: answer.body };
		}
		const result = normalizeCallResult(answer.body);
		// Same shape as the trigger's output; GetSendStatus carries no CID or Price, so those stay null.
		return { kind: 'call', ...result, referenceId: result.referenceId || askedFor, raw: answer.body };
	},
};
