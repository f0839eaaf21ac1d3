/**
 * Runs an item operation over all input items: validates every item first (nothing is sent if
 * one is bad, unless Continue On Fail), then sends with bounded concurrency, keeping order and
 * pairing.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { mapWithConcurrency } from '../../shared/concurrency';
import { redactSecrets } from '../../shared/redact';
import { loadTransportSettings, sendEsmsRequest } from '../transport';
import { getBalance } from './account/getBalance.operation';
import { getStatus } from './call/getStatus.operation';
import { makeCall } from './call/makeCall.operation';
import { makeCallFromTemplate } from './call/makeCallFromTemplate.operation';
import { sendVoiceOtp } from './call/sendVoiceOtp.operation';
import type { ItemOperation, OperationContext, PreparedRequest } from './types';

export const ITEM_OPERATIONS: Record<string, Record<string, ItemOperation>> = {
	call: { makeCall, makeCallFromTemplate, sendVoiceOtp, getStatus },
	account: { getBalance },
};

type Outcome = IDataObject | NodeApiError | NodeOperationError;

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, secrets: string[]): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${message}`, { itemIndex });
}

export async function loadOperationContext(this: IExecuteFunctions): Promise<{ ctx: OperationContext; concurrency: number }> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = await loadTransportSettings.call(this, {
		timeoutMs: Number(options.timeoutSeconds ?? 30) * 1000,
		retries: Number(options.networkRetries ?? 2),
		retryDelayMs: Number(options.networkRetryDelayMs ?? 1000),
	});
	return {
		ctx: { settings, autoRequestId: options.autoRequestId !== false },
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? 10))),
	};
}

export async function runItemOperation(this: IExecuteFunctions, operation: ItemOperation): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { ctx, concurrency } = await loadOperationContext.call(this);
	const continueOnFail = this.continueOnFail();
	const secrets = ctx.settings.secrets;

	const prepared = items.map((_, i): PreparedRequest | NodeApiError | NodeOperationError => {
		try {
			return operation.prepare.call(this, i, ctx);
		} catch (error) {
			return asNodeError(this, error, i, secrets);
		}
	});
	const invalid = prepared.find((p): p is NodeOperationError => p instanceof Error);
	if (invalid && !continueOnFail) throw invalid;

	let fatal = false;
	const outcomes = await mapWithConcurrency<PreparedRequest | Error, Outcome>(
		prepared,
		concurrency,
		async (entry, i) => {
			if (entry instanceof NodeApiError || entry instanceof NodeOperationError) return entry;
			try {
				const answer = await sendEsmsRequest.call(this, (entry as PreparedRequest).request, ctx.settings);
				return operation.toOutput.call(this, answer, entry as PreparedRequest, ctx);
			} catch (error) {
				if (!continueOnFail) fatal = true;
				return asNodeError(this, error, i, secrets);
			}
		},
		() => fatal,
	);

	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const outcome = outcomes[i];
		if (outcome === undefined) continue; // not sent: an earlier item failed without Continue On Fail
		if (outcome instanceof Error) {
			if (!continueOnFail) throw outcome;
			const json: IDataObject = { error: outcome.message };
			if (outcome.description) json.description = outcome.description;
			output.push({ json, pairedItem: { item: i } });
			continue;
		}
		output.push({ json: outcome, pairedItem: { item: i } });
	}
	return [output];
}
