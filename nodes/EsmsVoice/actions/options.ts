/** The Options collection (node behaviour, not sent to eSMS) and reading it once per run. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DoNotCallList } from './doNotCall';
import { loadTransportSettings, RATE_LIMIT_RETRIES } from '../transport';
import type { OperationContext } from './types';
import { isBlank, requireInteger, requirePositiveNumber } from './validate';

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

export async function loadOperationContext(this: IExecuteFunctions): Promise<{ ctx: OperationContext; concurrency: number }> {
	// Node behaviour is set once for the whole batch, so it is read (and checked) at the first item.
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const setting = (name: string, field: string, fallback: number, min: number, max?: number) =>
		isBlank(options[name]) ? fallback : requireInteger(this, 0, field, options[name], min, max);
	const timeoutSeconds = isBlank(options.timeoutSeconds)
		? 30
		: requirePositiveNumber(this, 0, 'Timeout (Seconds)', options.timeoutSeconds);
	const retries = setting('networkRetries', 'Network Retries', 2, 0, 10);
	const retryDelayMs = setting('networkRetryDelayMs', 'Network Retry Delay (Ms)', 1000, 0);
	const concurrency = setting('concurrency', 'Concurrency', 10, 1, 50);
	const callsPerSecond = setting('callsPerSecond', 'Calls per Second', 0, 0, 1000);
	const rateLimitRetries = setting('rateLimitRetries', 'Rate Limit Retries', RATE_LIMIT_RETRIES, 0, 20);
	const settings = await loadTransportSettings.call(this, {
		timeoutMs: timeoutSeconds * 1000,
		retries,
		retryDelayMs,
		callsPerSecond,
		rateLimitRetries,
	});
	return { ctx: { settings, autoRequestId: options.autoRequestId !== false, doNotCall: new DoNotCallList() }, concurrency };
}
