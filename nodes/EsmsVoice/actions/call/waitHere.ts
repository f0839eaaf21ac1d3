/**
 * Whether this execution can wait at this node and be resumed there. A "… and Wait for Result" call
 * is paid for the moment it is placed, so where its result can never arrive it must not be placed.
 *
 * n8n resumes a waiting execution at the node of the execution-stack entry it was running
 * (resultData.lastNodeExecuted, the node of getExecuteData()), and only an execution that exists
 * can wait. Both hold when n8n's engine runs this node as a step of the workflow — a normal node,
 * or a tool an AI Agent v3.x asks the engine to run. They fail when the node runs as a tool inside
 * another node: the MCP Server Trigger runs tools inside its webhook, before any execution exists
 * (no execution ID; the stack entry is the trigger's), and AI Agent v1/v2 run tools inside their
 * own step (the stack entry is the agent's, so n8n would look for the resume webhook on the agent).
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RECORDING_WAIT_OPERATION, TEMPLATE_WAIT_OPERATION } from '../descriptions';

export interface WaitImpossible {
	/** The node whose step this node runs in (the agent, the MCP trigger), when known. */
	host?: string;
	/** Whether an execution exists (inside an agent's step) or not yet (in the MCP trigger's webhook). */
	inExecution: boolean;
}

/** Why this node cannot wait where it runs, or undefined when it can. */
export function whyCannotWait(ctx: IExecuteFunctions): WaitImpossible | undefined {
	const executionId = ctx.getExecutionId();
	const inExecution = typeof executionId === 'string' && executionId !== '';
	const step = ctx.getExecuteData?.()?.node?.name;
	const self = ctx.getNode().name;
	if (inExecution && step === self && typeof ctx.putExecutionToWait === 'function') return undefined;
	return { host: step !== self ? step : undefined, inExecution };
}

const NAMES: Record<string, { title: string; instead: string }> = {
	[RECORDING_WAIT_OPERATION]: { title: 'Make Call and Wait for Result', instead: 'Make Call' },
	[TEMPLATE_WAIT_OPERATION]: { title: 'Make Call From Template and Wait for Result', instead: 'Make Call From Template' },
};

/** What the model (or the user) is told: what happened, why, and what to use instead. */
export function cannotWaitError(ctx: IExecuteFunctions, operation: string, host: string | undefined): NodeOperationError {
	const { title, instead } = NAMES[operation] ?? NAMES[RECORDING_WAIT_OPERATION];
	const where = host === undefined ? 'here' : `inside "${host}"`;
	return new NodeOperationError(
		ctx.getNode(),
		`No call placed: ${title} cannot wait for the result ${where}, because n8n cannot resume a tool there`,
		{
			itemIndex: 0,
			description: `Use ${instead} instead (it answers with the referenceId), then Get Status with that referenceId for the result. ${title} waits only where n8n runs the tool as a step of the workflow: as a tool of an AI Agent of version 3 or later.`,
		},
	);
}

/**
 * The refusal. Thrown where n8n hands a tool's error to its reader (the MCP Server Trigger answers
 * the client with it); answered as an item inside an agent's step, because AI Agent v1/v2 (LangChain's
 * AgentExecutor) give the model an empty text for a tool that throws; and under Continue On Fail.
 */
export function refuseToWait(ctx: IExecuteFunctions, operation: string, where: WaitImpossible): INodeExecutionData[][] {
	const error = cannotWaitError(ctx, operation, where.host);
	if (!where.inExecution && !ctx.continueOnFail()) throw error;
	const json = { error: error.message, description: error.description, callPlaced: false };
	return [ctx.getInputData().map((_, item) => ({ json: { ...json }, pairedItem: { item } }))];
}
