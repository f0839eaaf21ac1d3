/**
 * The request ID the node derives when none is set, and the run identity it is derived from: the
 * same for every attempt of one run (eSMS refuses a repeat, code 124), new for a later run.
 */
import { createHash, randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { originalExecutionId } from './retriedExecution';
import { isBlank, requireRequestId } from './validate';

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
