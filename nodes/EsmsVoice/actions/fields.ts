/** Fields and helpers shared by the operations. */
import { createHash, randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { WAIT_OPERATIONS } from './operations';
import { originalExecutionId } from './retriedExecution';
import { requireCallbackUrl, requireRequestId, requireSchedule, isBlank } from './validate';
import type { SendDateStyle } from './schedule';
import { PARAM } from '../../shared/wire';

/**
 * A request ID that is the same every time n8n runs this node for this item in this execution
 * (Retry On Fail, the node's own network retries), so eSMS refuses a second call (code 124).
 * A later run of the node in the same execution (a loop, an AI agent calling the tool again)
 * adds its run index, so it is a new call; run 0 keeps the plain form.
 */
export function deriveRequestId(executionId: string, nodeId: string, itemIndex: number, runIndex = 0): string {
	const seed = runIndex > 0 ? `${executionId}\u0000${nodeId}\u0000${runIndex}` : `${executionId}\u0000${nodeId}`;
	const digest = createHash('sha256').update(seed).digest('hex').slice(0, 32);
	return `n8n-${digest}-${itemIndex}`;
}

/** What identifies one run of the node, computed once per run (one execute() call). */
export interface RunIdentity {
	/** This execution's ID or, in a retry, the ID of the execution it retries (see retriedExecution.ts). */
	executionId: string;
	runIndex: number;
	/** A retry of a failed execution: calls that run placed must not be placed again. */
	retryOfFailedRun: boolean;
}

const runIdentities = new WeakMap<IExecuteFunctions, RunIdentity>();

export function runIdentity(ctx: IExecuteFunctions): RunIdentity {
	let identity = runIdentities.get(ctx);
	if (!identity) {
		const own = ctx.getExecutionId() as string | undefined;
		// n8n's MCP Server Trigger runs a tool before any execution exists (no id): each run of the
		// node then gets its own random identity, or every later call would be refused as a repeat.
		const executionId = originalExecutionId(ctx) ?? randomUUID();
		identity = {
			executionId,
			// Hosts without a data proxy (test doubles) count as run 0.
			runIndex: ctx.getWorkflowDataProxy?.(0)?.$runIndex ?? 0,
			retryOfFailedRun: own !== undefined && String(own) !== executionId,
		};
		runIdentities.set(ctx, identity);
	}
	return identity;
}

export function resolveRequestId(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject, auto: boolean): string | undefined {
	if (!isBlank(fields.requestId)) return requireRequestId(ctx, itemIndex, fields.requestId);
	if (!auto) return undefined;
	const { executionId, runIndex } = runIdentity(ctx);
	return deriveRequestId(executionId, ctx.getNode().id ?? ctx.getNode().name, itemIndex, runIndex);
}

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

/** Node behaviour (not sent to eSMS). */
export function requestSettingsOption(operations: string[], includeRequestId: boolean): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Calls per Second',
			name: 'callsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1000 },
			default: 0,
			description:
				"Most requests sent to eSMS per second: set it to your account's limit. 0 = as fast as Concurrency allows; when eSMS answers 160 (over the limit, nothing placed) the node slows to the pace eSMS accepts and sends that item again.",
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 10,
			description: 'How many items are sent to eSMS at the same time',
		},
		{
			displayName: 'Network Retries',
			name: 'networkRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 2,
			description:
				'How many times to try again when eSMS cannot be reached, times out or answers with a server error. Calls are only sent again when they carry a request ID, so nobody is called twice.',
		},
		{
			displayName: 'Network Retry Delay (Ms)',
			name: 'networkRetryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1000,
			description: 'Wait before the first network retry; doubles for each further retry',
		},
		{
			displayName: 'Rate Limit Retries',
			name: 'rateLimitRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 20 },
			default: 10,
			description:
				'How many times an item is sent again when eSMS answers 160 (over the requests per second; nothing was placed). Waits 0.25 s, then twice as long each time, at most 8 s.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for eSMS to answer one request',
		},
	];
	if (includeRequestId) {
		options.unshift({
			displayName: 'Automatic Request ID',
			name: 'autoRequestId',
			type: 'boolean',
			default: true,
			description:
				'Whether to derive a request ID from the execution, node and item when none is set, so Retry On Fail and network retries never call the same person twice',
		});
	}
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { operation: operations } },
		options,
	};
}
