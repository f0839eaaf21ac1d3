/**
 * Runs an item operation over all input items: validates every item first (nothing is sent if
 * one is bad, unless Continue On Fail), then sends with bounded concurrency, keeping order and
 * pairing.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { mapWithConcurrency } from './concurrency';
import { redactSecrets } from '../transport/redact';
import { sendEsmsRequest } from '../transport';
import { placedBeforeRetryOutput } from './call/placedCall';
import { loadOperationContext } from './options';
import { runIdentity, type RunIdentity } from './requestId';
import { callsPlacedBeforeFailure, itemList, rememberCallsPlacedBeforeFailure } from './retriedExecution';
import type { ItemOperation, PreparedRequest } from './types';

type Outcome = IDataObject | NodeApiError | NodeOperationError;

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, secrets: string[]): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}: ${message}`, { itemIndex });
}

/**
 * The run is about to fail: records which items were placed (a retry of this execution skips
 * them) and says so in the error the user sees.
 */
function rememberPlacedCalls(ctx: IExecuteFunctions, identity: RunIdentity, outcomes: Array<Outcome | undefined>): void {
	const placed = new Map<number, string | null>();
	outcomes.forEach((outcome, i) => {
		if (outcome === undefined || outcome instanceof Error || outcome.skipped === true) return;
		placed.set(i, typeof outcome.referenceId === 'string' && outcome.referenceId !== '' ? outcome.referenceId : null);
	});
	if (placed.size === 0) return;
	rememberCallsPlacedBeforeFailure(ctx, identity.runIndex, placed);
	const failure = outcomes.find((outcome): outcome is NodeApiError | NodeOperationError => outcome instanceof Error);
	if (!failure) return;
	const items = [...placed.keys()];
	const note = `${items.length === 1 ? 'Item' : 'Items'} ${itemList(items)} ${items.length === 1 ? 'was' : 'were'} placed before this error. A Retry of this execution will not call ${items.length === 1 ? 'it' : 'them'} again; it places only the calls that were not placed.`;
	failure.description = failure.description ? `${failure.description} ${note}` : note;
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

	// A retry of a failed execution: items that run placed are answered without a request.
	const identity = operation.placesCalls ? runIdentity(this) : undefined;
	const placedBefore = identity?.retryOfFailedRun
		? callsPlacedBeforeFailure(this, identity.runIndex)
		: new Map<number, string | null>();

	let fatal = false;
	const outcomes = await mapWithConcurrency(
		prepared,
		concurrency,
		async (entry, i): Promise<Outcome> => {
			if (entry instanceof Error) return entry;
			if (placedBefore.has(i)) return placedBeforeRetryOutput(entry, placedBefore.get(i) ?? null);
			// Do-Not-Call or Calling Hours: no request, nothing charged.
			if (entry.skip) return entry.skip;
			try {
				const answer = await sendEsmsRequest.call(this, entry.request, ctx.settings);
				return operation.toOutput.call(this, answer, entry, ctx);
			} catch (error) {
				if (!continueOnFail) fatal = true;
				return asNodeError(this, error, i, secrets);
			}
		},
		() => fatal,
	);
	if (fatal && identity) rememberPlacedCalls(this, identity, outcomes);

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
