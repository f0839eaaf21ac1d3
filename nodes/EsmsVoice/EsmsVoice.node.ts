import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	accountOperations,
	CALL_PLACING_OPERATIONS,
	callOperations,
	CALLS_WITHIN_HOURS_BY_DEFAULT,
	OPERATION_TITLES,
	resourceField,
	WAIT_OPERATIONS,
} from './actions/descriptions';
import { callingHoursModeFields, callingWindowFields } from './actions/callingHours';
import { waitLimitFields, waitNotice } from './actions/call/makeCallAndWait.operation';
import { RESUME_WEBHOOKS, resumeOnCallback } from './actions/call/resumeOnCallback';
import { requestSettingsOption } from './actions/options';
import { checkPhoneFields, checkPhoneOperations } from './actions/phone/check.operation';
import { ITEM_OPERATIONS, router } from './actions/router';

export class EsmsVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSMS Voice',
		name: 'esmsVoice',
		icon: { light: 'file:esms.svg', dark: 'file:esms.dark.svg' },
		group: ['output'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{ ${JSON.stringify(OPERATION_TITLES)}[$parameter["operation"]] ?? $parameter["operation"] }}`,
		description: 'Place automated voice calls through eSMS.vn (VIHAT): recordings, text-to-speech, IVR and voice OTP',
		documentationUrl: 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice#esms-voice',
		defaults: { name: 'eSMS Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Checking phone numbers sends nothing, so it needs no account.
		credentials: [{ name: 'esmsApi', required: true, displayOptions: { hide: { resource: ['phone'] } } }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			resourceField,
			callOperations,
			accountOperations,
			checkPhoneOperations,
			waitNotice,
			...Object.values(ITEM_OPERATIONS).flatMap((operations) =>
				Object.values(operations).flatMap((operation) => operation.description),
			),
			...checkPhoneFields,
			...callingHoursModeFields(CALLS_WITHIN_HOURS_BY_DEFAULT, 'schedule'),
			...callingHoursModeFields(['sendVoiceOtp'], 'anyTime'),
			...callingWindowFields([...CALLS_WITHIN_HOURS_BY_DEFAULT, 'sendVoiceOtp']),
			...waitLimitFields,
			requestSettingsOption([...CALL_PLACING_OPERATIONS, ...WAIT_OPERATIONS], true),
			requestSettingsOption(['getStatus', 'getBalance'], false),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
