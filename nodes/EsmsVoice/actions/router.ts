/** Picks what runs for the node's resource and operation: the wait operations, or an item operation. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getBalance } from './account/getBalance.operation';
import { getStatus } from './call/getStatus.operation';
import { makeCall } from './call/makeCall.operation';
import { makeCallFromTemplate } from './call/makeCallFromTemplate.operation';
import { sendVoiceOtp } from './call/sendVoiceOtp.operation';
import { executeMakeCallAndWait } from './call/makeCallAndWait.operation';
import { checkPhoneNumbers } from './phone/check.operation';
import { WAIT_OPERATIONS } from './descriptions';
import { runItemOperation } from './runItemOperation';
import type { ItemOperation } from './types';

/** The operations that send one eSMS request per input item, by resource. */
export const ITEM_OPERATIONS: Record<string, Record<string, ItemOperation>> = {
	call: { makeCall, makeCallFromTemplate, sendVoiceOtp, getStatus },
	account: { getBalance },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	// Sends nothing: every item is read against the others (repeats), not one request per item.
	if (resource === 'phone' && operation === 'check') return await checkPhoneNumbers.call(this);
	if (resource === 'call' && WAIT_OPERATIONS.includes(operation)) {
		return await executeMakeCallAndWait.call(this, operation);
	}
	const itemOperation = ITEM_OPERATIONS[resource]?.[operation];
	if (!itemOperation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runItemOperation.call(this, itemOperation);
}
