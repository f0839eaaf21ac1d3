import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { nodeProperties, OPERATION_TITLES } from './actions/descriptions';
import { WAIT_OPERATIONS } from './actions/operations';
import { executeMakeCallAndWait, RESUME_WEBHOOKS, resumeOnCallback } from './actions/call/waitForResult';
import { ITEM_OPERATIONS, runItemOperation } from './actions/runItemOperation';

export class EsmsVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSMS Voice',
		name: 'esmsVoice',
		icon: { light: 'file:esms.svg', dark: 'file:esms.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(OPERATION_TITLES)}[$parameter["operation"]] ?? $parameter["operation"] }}`,
		description: 'Place automated voice calls through eSMS.vn (VIHAT): recordings, text-to-speech, IVR and voice OTP',
		documentationUrl: 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice#esms-voice',
		defaults: { name: 'eSMS Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'esmsApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: nodeProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		if (resource === 'call' && WAIT_OPERATIONS.includes(operation)) {
			return await executeMakeCallAndWait.call(this, operation);
		}
		const itemOperation = ITEM_OPERATIONS[resource]?.[operation];
		if (!itemOperation) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		}
		return await runItemOperation.call(this, itemOperation);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
