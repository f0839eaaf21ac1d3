/**
 * "Make Call and Wait for Result": places one call with this execution's resume URL as the
 * CallbackUrl and puts the execution to wait; resumeOnCallback.ts resumes it when eSMS reports
 * the final result.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { formatVietnamSendDate, toInstant } from '../schedule';
import { PARAM } from '../../../shared/wire';
import { sendEsmsRequest } from '../../transport';
import { RECORDING_WAIT_OPERATION, WAIT_OPERATIONS } from '../descriptions';
import { loadOperationContext } from '../options';
import type { OperationContext, PreparedRequest } from '../types';
import { inputError, requireInteger } from '../validate';
import { buildRecordingCallParams } from './makeCall.operation';
import { buildTemplateCallParams } from './makeCallFromTemplate.operation';
import { placedCallOutput } from './placedCall';
import { RESUME_TOKEN_PARAM, TOKEN_END_PARAM } from './resumeOnCallback';
import { refuseToWait, whyCannotWait } from './waitHere';

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export const waitNotice: INodeProperties = {
	displayName:
		'The execution waits until eSMS reports the final result of the call, then continues with it. Use it for one call per execution (for many, loop with batch size 1, or use Make Call with the eSMS Voice Trigger).',
	name: 'waitNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { resource: ['call'], operation: WAIT_OPERATIONS } },
};

export const waitLimitFields: INodeProperties[] = [
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: false,
		description: 'Whether to continue without a result after some time, e.g. if eSMS never calls back',
		displayOptions: { show: { resource: ['call'], operation: WAIT_OPERATIONS } },
	},
	{
		displayName: 'Limit Type',
		name: 'limitType',
		type: 'options',
		default: 'afterTimeInterval',
		options: [
			{ name: 'After Time Interval', value: 'afterTimeInterval' },
			{ name: 'At Specified Time', value: 'atSpecifiedTime' },
		],
		displayOptions: { show: { resource: ['call'], operation: WAIT_OPERATIONS, limitWaitTime: [true] } },
	},
	{
		displayName: 'Amount',
		name: 'resumeAmount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		displayOptions: {
			show: { resource: ['call'], operation: WAIT_OPERATIONS, limitWaitTime: [true], limitType: ['afterTimeInterval'] },
		},
	},
	{
		displayName: 'Unit',
		name: 'resumeUnit',
		type: 'options',
		default: 'minutes',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		displayOptions: {
			show: { resource: ['call'], operation: WAIT_OPERATIONS, limitWaitTime: [true], limitType: ['afterTimeInterval'] },
		},
	},
	{
		displayName: 'Max Date and Time',
		name: 'maxDateAndTime',
		type: 'dateTime',
		default: '',
		description: 'Continue without a result at this time if none has arrived',
		displayOptions: {
			show: { resource: ['call'], operation: WAIT_OPERATIONS, limitWaitTime: [true], limitType: ['atSpecifiedTime'] },
		},
	},
];

/** When the wait gives up: counted from when the call rings (now, or its scheduled time). */
function waitUntil(ctx: IExecuteFunctions, ringsAt: number): Date {
	if (!(ctx.getNodeParameter('limitWaitTime', 0, false) as boolean)) return WAIT_INDEFINITELY;
	if (ctx.getNodeParameter('limitType', 0) === 'atSpecifiedTime') {
		const value = ctx.getNodeParameter('maxDateAndTime', 0);
		const instant = toInstant(value, ctx.getTimezone());
		if (instant === undefined || instant <= ringsAt) {
			if (ringsAt <= Date.now()) {
				throw inputError(ctx, 0, 'Max Date and Time', 'is not a date in the future', 'a date and time after now');
			}
			const scheduled = `the call's scheduled time (${formatVietnamSendDate(ringsAt, 'voice')} Vietnam time)`;
			throw inputError(ctx, 0, 'Max Date and Time', `is not after ${scheduled}`, `a date and time after ${scheduled}`);
		}
		return new Date(instant);
	}
	const amount = requireInteger(ctx, 0, 'Amount', ctx.getNodeParameter('resumeAmount', 0), 1);
	const unit = ctx.getNodeParameter('resumeUnit', 0) as string;
	return new Date(ringsAt + amount * (UNIT_MS[unit] ?? UNIT_MS.minutes));
}

function callbackUrlFor(resumeUrl: string): string {
	const url = new URL(resumeUrl);
	// The token comes first: a gateway appending "?ReferenceId=…" after the last value must not corrupt it.
	url.searchParams.set(TOKEN_END_PARAM, '1');
	return url.toString();
}

export async function executeMakeCallAndWait(this: IExecuteFunctions, operation: string): Promise<INodeExecutionData[][]> {
	// First of all: a call whose result can never arrive must not be paid for.
	const cannotWait = whyCannotWait(this);
	if (cannotWait) return refuseToWait(this, operation, cannotWait);
	const items = this.getInputData();
	if (items.length !== 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Make Call and Wait for Result places one call per execution, but this node received ${items.length} items`,
			{
				description:
					'Put the node in a Loop Over Items with batch size 1, or use Make Call (with the Callback URL of an eSMS Voice Trigger) to call many people at once.',
			},
		);
	}
	const { ctx } = await loadOperationContext.call(this);
	const build = operation === RECORDING_WAIT_OPERATION ? buildRecordingCallParams : buildTemplateCallParams;
	const prepared = build.call(this, 0, ctx);
	if (prepared.request.params[PARAM.callbackUrl] !== undefined) {
		throw inputError(this, 0, 'Callback URL', 'cannot be set in this operation', 'no Callback URL: the node uses the URL that resumes this execution');
	}
	// Do-Not-Call or outside Calling Hours with "skip": nothing placed, nothing to wait for.
	if (prepared.skip) return [[{ json: prepared.skip, pairedItem: { item: 0 } }]];
	const waitTill = waitUntil(this, prepared.sendAt ?? Date.now());
	const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	// Redacted like the keys from any error text that echoes the request.
	const token = new URL(resumeUrl).searchParams.get(RESUME_TOKEN_PARAM);
	if (token) ctx.settings.secrets.push(token);
	prepared.request.params[PARAM.callbackUrl] = callbackUrlFor(resumeUrl);

	const placed = await placeCall.call(this, prepared, ctx);
	// If the wait ends without a callback, n8n continues with the data of this stack entry. It is
	// also what the resume webhook compares a callback with (expectedCall): saved with the execution.
	const timedOut: IDataObject = {
		referenceId: placed.referenceId ?? null,
		requestId: placed.requestId ?? null,
		phone: placed.phone,
		resultReceived: false,
		timedOut: true,
		message: 'No call result arrived from eSMS before the wait time limit. Use Get Status with the referenceId to check the call.',
	};
	this.getExecuteData().data = { main: [[{ json: timedOut, pairedItem: { item: 0 } }]] };
	await this.putExecutionToWait(waitTill);
	return [[{ json: { ...placed, waiting: true }, pairedItem: { item: 0 } }]];
}

async function placeCall(this: IExecuteFunctions, prepared: PreparedRequest, ctx: OperationContext): Promise<IDataObject> {
	const answer = await sendEsmsRequest.call(this, prepared.request, ctx.settings);
	// 124: an earlier attempt of this execution already placed the call with this same resume URL.
	return placedCallOutput.call(this, answer, prepared, ctx);
}
