/**
 * What makes a Retry of a failed execution (n8n's executions list → Retry) call nobody twice.
 *
 * n8n runs a retry as a new execution (new ID, mode 'retry') over a copy of the failed one's
 * saved data: nodes before the failed node keep their output, the failed node runs again on the
 * same items at the same run index, and the node's execution context (`getContext('node')`,
 * saved in that data) comes along. This node keeps two things there:
 * - the ID of the execution it first ran in, so a retry derives the same request IDs and eSMS
 *   itself refuses a call it already accepted (code 124, for 24 hours);
 * - when a run fails, which items it had placed and their reference IDs, so a retry answers
 *   them without sending anything (also after eSMS's 24 hours).
 * The context belongs to one execution and its retries: a new execution starts without it, and
 * no other execution can overwrite it (unlike the workflow's static data).
 */
import type { IContextObject, IExecuteFunctions } from 'n8n-workflow';

const ORIGINAL_EXECUTION_KEY = 'esmsVoiceExecutionId';
const PLACED_KEY = 'esmsVoiceCallsPlacedBeforeFailure';

function nodeContext(ctx: IExecuteFunctions): IContextObject | undefined {
	try {
		// Throws where no execution data exists (a tool called from n8n's MCP Server Trigger).
		return ctx.getContext('node');
	} catch {
		return undefined;
	}
}

/**
 * The ID of the execution whose request IDs this run uses: its own, or, in a retry, the one it
 * retries. Undefined when n8n gives no execution ID.
 */
export function originalExecutionId(ctx: IExecuteFunctions): string | undefined {
	const own = ctx.getExecutionId() as string | undefined;
	if (own === undefined) return undefined;
	const context = nodeContext(ctx);
	const recorded = context?.[ORIGINAL_EXECUTION_KEY];
	if (typeof recorded === 'string' && recorded !== '') return recorded;
	if (context) context[ORIGINAL_EXECUTION_KEY] = String(own);
	return String(own);
}

/** Per run index: item index → the call's reference ID (null: eSMS said 124 without one). */
type PlacedCalls = Record<string, Record<string, string | null>>;

function placedCallsOf(context: IContextObject | undefined): PlacedCalls {
	const value = context?.[PLACED_KEY];
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as PlacedCalls) : {};
}

/** Items the failed run (or an earlier retry of it) placed: item index → reference ID. */
export function callsPlacedBeforeFailure(ctx: IExecuteFunctions, runIndex: number): Map<number, string | null> {
	const placed = new Map<number, string | null>();
	const calls = placedCallsOf(nodeContext(ctx))[String(runIndex)];
	if (!calls || typeof calls !== 'object') return placed;
	for (const [item, referenceId] of Object.entries(calls)) {
		if (/^\d+$/.test(item)) placed.set(Number(item), typeof referenceId === 'string' ? referenceId : null);
	}
	return placed;
}

/** Written when the run fails; n8n saves it with the failed execution's data. */
export function rememberCallsPlacedBeforeFailure(ctx: IExecuteFunctions, runIndex: number, placed: Map<number, string | null>): void {
	const context = nodeContext(ctx);
	if (!context || placed.size === 0) return;
	const all = placedCallsOf(context);
	const calls = { ...(all[String(runIndex)] ?? {}) };
	for (const [item, referenceId] of placed) calls[String(item)] = referenceId;
	context[PLACED_KEY] = { ...all, [String(runIndex)]: calls };
}

/** "1, 2 and 4" (items counted from 1). */
export function itemList(indexes: number[]): string {
	const labels = indexes.map((i) => String(i + 1));
	return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
