/** Account → Get Balance (GetBalance_json on the rest host). */
import type { INodeProperties } from 'n8n-workflow';

import { ENDPOINTS } from '../../../shared/wire';
import { esmsCodeError, isSuccess } from '../../transport';
import type { ItemOperation } from '../types';

const description: INodeProperties[] = [];

export const getBalance: ItemOperation = {
	description,
	prepare(i) {
		return { request: { endpoint: ENDPOINTS.getBalance, params: {}, itemIndex: i, hasRequestId: false }, echo: {} };
	},
	toOutput(answer, prepared, ctx) {
		if (!isSuccess(answer)) throw esmsCodeError(this, answer, prepared.request.itemIndex, ctx.settings);
		return {
			balance: Number(answer.body.Balance),
			userId: answer.body.UserID ?? null,
			raw: answer.body,
		};
	},
};
