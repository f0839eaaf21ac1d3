/** The node's resource/operation selectors and every operation's fields. */
import type { INodeProperties } from 'n8n-workflow';

import { requestSettingsOption } from './fields';
import { ITEM_OPERATIONS } from './router';
import { waitLimitFields, waitNotice } from './call/makeCallAndWait.operation';
import { WAIT_OPERATIONS } from './operations';

const resourceField: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Account', value: 'account' },
		{ name: 'Call', value: 'call' },
	],
	default: 'call',
};

// `action` is also what n8n tells an AI model about the tool by default ("<action> in eSMS Voice"):
// the call-placing ones say that the call costs money.
const callOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['call'] } },
	options: [
		{
			name: 'Get Status',
			value: 'getStatus',
			action: 'Get the status of a call',
			description: 'Whether a call was answered, how long it lasted and which key was pressed',
		},
		{
			name: 'Make Call',
			value: 'makeCall',
			action: 'Make a paid call that plays a recording',
			description: 'Call a number and play a recording, optionally forwarding on a key press',
		},
		{
			name: 'Make Call and Wait for Result',
			value: 'makeCallAndWait',
			action: 'Make a paid call that plays a recording and wait for the result',
			description: 'Play a recording, then pause the workflow until eSMS reports the result (e.g. the key pressed)',
		},
		{
			name: 'Make Call From Template',
			value: 'makeCallFromTemplate',
			action: 'Make a paid text to speech call',
			description: 'Call a number and read out a call script with your values',
		},
		{
			name: 'Make Call From Template and Wait for Result',
			value: 'makeCallFromTemplateAndWait',
			action: 'Make a paid text to speech call and wait for the result',
			description: 'Read out a call script, then pause the workflow until eSMS reports the result',
		},
		{
			name: 'Send Voice OTP',
			value: 'sendVoiceOtp',
			action: 'Send a one time code by paid voice call',
			description: 'Call a number and read out a one-time code',
		},
	],
	default: 'makeCall',
};

const accountOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'Get Balance',
			value: 'getBalance',
			action: 'Get the account balance',
			description: 'The money left on the eSMS account',
		},
	],
	default: 'getBalance',
};

/** Short names for the canvas subtitle. */
export const OPERATION_TITLES: Record<string, string> = {
	makeCall: 'Make Call',
	makeCallAndWait: 'Make Call and Wait',
	makeCallFromTemplate: 'Call From Template',
	makeCallFromTemplateAndWait: 'Call From Template and Wait',
	sendVoiceOtp: 'Send Voice OTP',
	getStatus: 'Get Status',
	getBalance: 'Get Balance',
};

export const CALL_PLACING_OPERATIONS = ['makeCall', 'makeCallFromTemplate', 'sendVoiceOtp'];

export const nodeProperties: INodeProperties[] = [
	resourceField,
	callOperations,
	accountOperations,
	waitNotice,
	...Object.values(ITEM_OPERATIONS).flatMap((operations) =>
		Object.values(operations).flatMap((operation) => operation.description),
	),
	...waitLimitFields,
	requestSettingsOption([...CALL_PLACING_OPERATIONS, ...WAIT_OPERATIONS], true),
	requestSettingsOption(['getStatus', 'getBalance'], false),
];
