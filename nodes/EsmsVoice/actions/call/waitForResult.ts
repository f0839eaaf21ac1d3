/**
 * "Make Call and Wait for Result": places one call with this execution's resume URL as the
 * CallbackUrl, puts the execution to wait, and resumes it when eSMS reports the final result.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { parseEsmsCallback } from '../../../shared/callback';
import { toInstant } from '../../../shared/schedule';
import { PARAM, SEND_STATUS_FINAL } from '../../../shared/wire';
import { sendEsmsRequest } from '../../transport';
import { RECORDING_WAIT_OPERATION, WAIT_OPERATIONS } from '../operations';
import { loadOperationContext } from '../router';
import type { OperationContext, PreparedRequest } from '../types';
import { inputError, requireInteger } from '../validate';
import { buildRecordingCallParams } from './makeCall.operation';
import { buildTemplateCallParams } from './makeCallFromTemplate.operation';
import { placedCallOutput } from './placedCall';
import { refuseToWait, whyCannotWait } from './waitHere';


/** n8n checks this token on resume; it must never reach the output. */
const RESUME_TOKEN_PARAM = 'signature';
/**
 * Ends the token: a gateway that appends "?ReferenceId=…" to a URL that already has a query would
 * otherwise glue its parameters onto the token. Carries nothing: what the node placed stays in
 * the execution (see expectedCall), never in the URL, where anyone who sees it could change it.
 */
const TOKEN_END_PARAM = 'esmsWait';
/** Parameters of URLs made by earlier versions (esmsRequestId, esmsPhone): dropped, never read. */
const OUR_URL_PARAMS = [RESUME_TOKEN_PARAM, TOKEN_END_PARAM, 'esmsRequestId', 'esmsPhone'];

/**
 * The resume webhook (restartWebhook): n8n serves it at the execution's resume URL only while the
 * execution waits. It is not a trigger and registers nothing with eSMS, so no webhookMethods.
 */
export const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: '', restartWebhook: true },
];

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

function waitUntil(ctx: IExecuteFunctions, now = Date.now()): Date {
	if (!(ctx.getNodeParameter('limitWaitTime', 0, false) as boolean)) return WAIT_INDEFINITELY;
	if (ctx.getNodeParameter('limitType', 0) === 'atSpecifiedTime') {
		const value = ctx.getNodeParameter('maxDateAndTime', 0);
		const instant = toInstant(value, ctx.getTimezone());
		if (instant === undefined || instant <= now) {
			throw inputError(ctx, 0, 'Max Date and Time', 'is not a date in the future', 'a date and time after now');
		}
		return new Date(instant);
	}
	const amount = requireInteger(ctx, 0, 'Amount', ctx.getNodeParameter('resumeAmount', 0), 1);
	const unit = ctx.getNodeParameter('resumeUnit', 0) as string;
	return new Date(now + amount * (UNIT_MS[unit] ?? UNIT_MS.minutes));
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
	const waitTill = waitUntil(this);
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

/** The call this execution placed, as saved on its stack entry; undefined fields when unknown. */
interface ExpectedCall {
	referenceId?: string;
	requestId: string | null;
	phone: string | null;
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The resume webhook runs with the waiting execution's data: n8n-core's WebhookContext takes the
 * node's stack entry (the timed-out item set before putExecutionToWait) as its input, so `$json`
 * is what the node placed. Works the same in n8n 1.x and 2.x.
 */
function expectedCall(ctx: IWebhookFunctions): ExpectedCall {
	let saved: unknown;
	try {
		saved = ctx.evaluateExpression('{{ $json }}', 0);
	} catch {
		saved = undefined;
	}
	const json = saved && typeof saved === 'object' ? (saved as IDataObject) : {};
	return { referenceId: textOrNull(json.referenceId)?.trim() ?? undefined, requestId: textOrNull(json.requestId), phone: textOrNull(json.phone) };
}

/** For the log line: the sender chose this text. */
const quoted = (text: string): string => JSON.stringify(text.slice(0, 64));

/** The resume request: eSMS's callback on this execution's resume URL. */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const response = this.getResponseObject();
	const { result, raw } = parseEsmsCallback(request.originalUrl ?? request.url ?? '', OUR_URL_PARAMS);
	if (!result) {
		response.status(400).json({ error: 'Not an eSMS call-result callback: ReferenceId is missing' });
		return { noWebhookResponse: true };
	}
	const expected = expectedCall(this);
	// Unknown only when eSMS answered "already placed" (124) without the ID: the first result counts.
	if (expected.referenceId !== undefined && expected.referenceId.toLowerCase() !== result.referenceId.trim().toLowerCase()) {
		// 200 all the same: eSMS re-sends anything else, and a re-send can never match.
		this.logger.warn(
			`eSMS Voice: execution ${this.getExecutionId()} waits for call ${quoted(expected.referenceId)}; ignored a callback for call ${quoted(result.referenceId)} on its resume URL`,
		);
		return { webhookResponse: { received: true, resumed: false, reason: 'not the call this execution waits for' } };
	}
	if (result.sendStatus !== SEND_STATUS_FINAL) {
		// eSMS reports "waiting" (2) and "sent, awaiting report" (7) before the result: keep waiting.
		return { webhookResponse: { received: true, resumed: false } };
	}
	const json: IDataObject = {
		...result,
		requestId: expected.requestId,
		phone: expected.phone,
		resultReceived: true,
		timedOut: false,
		receivedAt: new Date().toISOString(),
		raw,
	};
	return { workflowData: [[{ json, pairedItem: { item: 0 } }]] };
}
