/** Call → Get Status: where a call stands (GetSendStatus), normalised like the trigger's output. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeCallResult } from '../../../shared/callResult';
import { ENDPOINTS, PARAM } from '../../../shared/wire';
import { esmsCodeError, isSuccess } from '../../transport';
import type { ItemOperation, PreparedRequest } from '../types';
import { requireText } from '../validate';

const show = { resource: ['call'], operation: ['getStatus'] };

const description: INodeProperties[] = [
	{
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10',
		description: 'The referenceId that Make Call returned (eSMS calls it SMSID)',
		displayOptions: { show },
	},
];

function prepare(this: IExecuteFunctions, i: number): PreparedRequest {
	const referenceId = requireText(this, i, 'Reference ID', this.getNodeParameter('referenceId', i), 'the referenceId returned by Make Call');
	return {
		request: {
			endpoint: ENDPOINTS.getSendStatus,
			params: { [PARAM.referenceId]: referenceId },
			itemIndex: i,
			hasRequestId: false,
		},
		echo: {},
	};
}

export const getStatus: ItemOperation = {
	description,
	prepare,
	toOutput(answer, prepared, ctx) {
		if (!isSuccess(answer)) throw esmsCodeError(this, answer, prepared.request.itemIndex, ctx.settings);
		const result = normalizeCallResult(answer.body);
		// Same shape as the trigger's output; GetSendStatus carries no CID or Price, so those stay null.
		return {
			...result,
			referenceId: result.referenceId || String(prepared.request.params[PARAM.referenceId]),
			raw: answer.body,
		};
	},
};
