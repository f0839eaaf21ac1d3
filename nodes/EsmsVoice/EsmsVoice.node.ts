import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { nodeProperties } from './actions/descriptions';
import { ITEM_OPERATIONS, runItemOperation } from './actions/router';

export class EsmsVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSMS Voice',
		name: 'esmsVoice',
		icon: { light: 'file:esms.svg', dark: 'file:esms.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Place automated voice calls through eSMS.vn (VIHAT): recordings, text-to-speech, IVR and voice OTP',
		defaults: { name: 'eSMS Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'esmsApi', required: true }],
		properties: nodeProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const itemOperation = ITEM_OPERATIONS[resource]?.[operation];
		if (!itemOperation) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		}
		return await runItemOperation.call(this, itemOperation);
	}
}
