/**
 * Call → Get Status: where a call or a voice OTP stands, normalised like the trigger's output.
 * A call's status comes from the voice host (GetSendStatus?ReferenceId); a voice OTP is an
 * SMS-type message, so its status comes from the rest host (GetSendStatus?RefId).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeCallResult } from '../../../shared/callResult';
import { normalizeOtpResult } from '../../../shared/otpResult';
import { CODE_NOT_FOUND, ENDPOINTS, OTP_ID_PATTERN, PARAM } from '../../../shared/wire';
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
	...notFoundYetFields(),
];

/**
 * eSMS answers 105 for an ID it does not know, also for a call placed seconds ago. Version 1 fails
 * the item, as before; from 1.1 the item says "not found yet", so a sweep over many calls goes on.
 */
function notFoundYetFields(): INodeProperties[] {
	const field = (fallback: NotFoundYet, version: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties => ({
		displayName: 'If Not Found Yet (105)',
		name: 'notFoundYet',
		type: 'options',
		options: [
			{
				name: 'Output the Item',
				value: 'output',
				description: 'The item says found: false and final: false; ask again later',
			},
			{ name: 'Fail', value: 'error', description: 'Stop the workflow (or the item, with Continue On Fail)' },
		],
		default: fallback,
		description: "What to do when eSMS does not know the ID (code 105): a call placed seconds ago may not be known yet",
		displayOptions: { show: { ...show, ...version } },
	});
	return [field('error', { '@version': [1] }), field('output', { '@version': [{ _cnd: { gte: 1.1 } }] })];
}

type NotFoundYet = 'output' | 'error';

export const NOT_FOUND_YET_MESSAGE =
	'eSMS does not know this ID yet (code 105). A call placed moments ago may not be known yet: ask again later. If it stays unknown, check the ID.';

function notFoundYetMode(ctx: IExecuteFunctions, itemIndex: number): NotFoundYet {
	const fallback: NotFoundYet = ctx.getNode().typeVersion >= 1.1 ? 'output' : 'error';
	return ctx.getNodeParameter('notFoundYet', itemIndex, fallback) === 'error' ? 'error' : 'output';
}

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
		const itemIndex = prepared.request.itemIndex;
		const askedFor = String(prepared.echo.referenceId);
		if (answer.code === CODE_NOT_FOUND && notFoundYetMode(this, itemIndex) === 'output') {
			const kind = prepared.request.endpoint === ENDPOINTS.getOtpStatus ? 'voiceOtp' : 'call';
			return { kind, referenceId: askedFor, found: false, final: false, code: answer.code, message: NOT_FOUND_YET_MESSAGE };
		}
		if (!isSuccess(answer)) throw esmsCodeError(this, answer, itemIndex, ctx.settings);
		// From 1.1 every item says whether eSMS knew the ID, so a sweep can filter on it.
		const found = this.getNode().typeVersion >= 1.1 ? { found: true } : {};
		if (prepared.request.endpoint === ENDPOINTS.getOtpStatus) {
			const result = normalizeOtpResult(answer.body);
			return { ...result, referenceId: result.referenceId || askedFor, ...found, raw: answer.body };
		}
		const result = normalizeCallResult(answer.body);
		// Same shape as the trigger's output; GetSendStatus carries no CID or Price, so those stay null.
		return { kind: 'call', ...result, referenceId: result.referenceId || askedFor, ...found, raw: answer.body };
	},
};
