import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DoNotCallList } from './doNotCall';
import type { EsmsAnswer, EsmsRequest, TransportSettings } from '../transport';

export interface OperationContext {
	settings: TransportSettings;
	autoRequestId: boolean;
	/** Read once per run: every item usually carries the same list. */
	doNotCall: DoNotCallList;
}

/** A validated request, ready to send, and what the output item should echo of it. */
export interface PreparedRequest {
	request: EsmsRequest;
	echo: IDataObject;
	/** When eSMS is to place the call (ms since epoch); undefined = now. */
	sendAt?: number;
	/** The call must not be placed (Do-Not-Call, Calling Hours): this is the item's output. */
	skip?: IDataObject;
}

/** An operation that sends one eSMS request per input item. */
export interface ItemOperation {
	description: INodeProperties[];
	/** Validates the item and builds the request; throws before anything is sent. */
	prepare(this: IExecuteFunctions, itemIndex: number, ctx: OperationContext): PreparedRequest;
	/** Turns eSMS's answer into the output item, or throws for a refusal. */
	toOutput(this: IExecuteFunctions, answer: EsmsAnswer, prepared: PreparedRequest, ctx: OperationContext): IDataObject;
	/** Paid: a retry of a failed execution must not send it again (see retriedExecution.ts). */
	placesCalls?: boolean;
}
