import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REMEMBER_HOURS } from './deliveries';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'eSMS has no API to register this URL. Click "Webhook URLs" at the top of this panel, choose the "Production URL" tab and click the URL to copy it; paste it into the Callback URL field of eSMS Voice > Make Call (Additional Fields), then publish this workflow. The Test URL only answers while this trigger is listening for a test event, so results of calls that finish later would be lost.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Only Final Results',
		name: 'onlyFinal',
		type: 'boolean',
		default: true,
		description:
			'Whether to start only for final results (send status 5, or a callback without a send status), ignoring the "waiting" and "sent, awaiting report" updates',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Answered Filter',
				name: 'answerFilter',
				type: 'options',
				options: [
					{ name: 'Any Result', value: 'any' },
					{ name: 'Only Answered Calls and Delivered Voice OTPs', value: 'answered' },
					{ name: 'Only Calls Not Answered and Voice OTPs Not Delivered', value: 'notAnswered' },
				],
				default: 'any',
				description:
					'Whether to start only for answered calls (voice OTP: delivered), or only for calls nobody answered (voice OTP: not delivered)',
			},
			{
				displayName: 'Ignore Repeated Deliveries',
				name: 'ignoreRepeats',
				type: 'boolean',
				default: true,
				description:
					'Whether a callback eSMS delivers again (same reference ID and send status) is ignored instead of starting a second execution',
			},
			{
				displayName: 'IP Allowlist',
				name: 'ipAllowlist',
				type: 'string',
				default: '',
				placeholder: '203.0.113.10, 198.51.100.0/24',
				description:
					'Comma-separated IP addresses or CIDR ranges allowed to call this URL; others get HTTP 403. Leave empty to allow any. "/0" only as 0.0.0.0/0 or ::/0; an invalid entry stops the workflow from being published. Behind a proxy, set N8N_PROXY_HOPS.',
			},
			{
				displayName: 'Only These Keys Pressed',
				name: 'keysPressed',
				type: 'string',
				default: '',
				placeholder: '1,2',
				description:
					'Comma-separated keys; start only when the listener pressed one of them (voice OTP results, which have no key, then start nothing). Leave empty for any.',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: '',
				placeholder: 'esms-campaign-results',
				description:
					'A fixed Production URL, [your n8n]/webhook/[path], instead of the generated one: a workflow can then build its own Callback URL. Must be unique on your n8n. Leave empty for the generated URL.',
			},
			{
				displayName: 'Remember Deliveries For (Hours)',
				name: 'rememberHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_REMEMBER_HOURS,
				description: 'How long a delivered callback is remembered to recognise repeats',
			},
			{
				displayName: 'Results For',
				name: 'resultKinds',
				type: 'options',
				options: [
					{ name: 'Calls and Voice OTPs', value: 'all' },
					{ name: 'Only Calls', value: 'calls' },
					{ name: 'Only Voice OTPs', value: 'voiceOtp' },
				],
				default: 'all',
				description: 'Which results start the workflow: call results (ReferenceId), voice OTP results (SMSID), or both',
			},
		],
	},
];
