/**
 * The node's Resource and Operation selectors, the canvas titles, and the groups of operations
 * that fields show for. Every operation's own fields are in its file under call/ and account/.
 */
import type { INodeProperties } from 'n8n-workflow';

/** Values of the "… and Wait for Result" operations; each shares the fields of its base operation. */
export const RECORDING_WAIT_OPERATION = 'makeCallAndWait';
export const TEMPLATE_WAIT_OPERATION = 'makeCallFromTemplateAndWait';
export const WAIT_OPERATIONS = [RECORDING_WAIT_OPERATION, TEMPLATE_WAIT_OPERATION];

export const resourceField: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Account', value: 'account' },
		{ name: 'Call', value: 'call' },
		{ name: 'Phone Number', value: 'phone' },
	],
	default: 'call',
};

// `action` is also what n8n tells an AI model about the tool by default ("<action> in eSMS Voice"):
// the call-placing ones say that the call costs money.
export const callOperations: INodeProperties = {
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
			value: RECORDING_WAIT_OPERATION,
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
			value: TEMPLATE_WAIT_OPERATION,
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

export const accountOperations: INodeProperties = {
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
	check: 'Check Phone Numbers',
};

export const CALL_PLACING_OPERATIONS = ['makeCall', 'makeCallFromTemplate', 'sendVoiceOtp'];

/** Calls (not the transactional voice OTP): Calling Hours are on by default from version 1.1. */
export const CALLS_WITHIN_HOURS_BY_DEFAULT = ['makeCall', 'makeCallFromTemplate', ...WAIT_OPERATIONS];
