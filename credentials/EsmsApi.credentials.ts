import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

// Kept literal here (not imported) so the credential file stands alone, as n8n loads it.
const DEFAULT_VOICE_BASE_URL = 'https://voiceapi.esms.vn/MainService.svc/json';
const DEFAULT_REST_BASE_URL = 'https://rest.esms.vn/MainService.svc/json';

/**
 * eSMS codes that mean these keys cannot place calls, with eSMS's meaning and what to do. Copied
 * from nodes/EsmsVoice/transport/errors.ts (n8n loads this file on its own); test/unit/credential-test.test.ts
 * keeps the two equal.
 */
const CREDENTIAL_REFUSALS: ReadonlyArray<{ code: string; meaning: string; action: string }> = [
	{
		code: '101',
		meaning: 'Wrong ApiKey or SecretKey',
		action: 'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.',
	},
	{
		code: '102',
		meaning: 'No price list for the account',
		action: 'Ask eSMS support to set up voice-call pricing for your account.',
	},
	{
		code: '140',
		meaning: 'The caller IP address is not whitelisted',
		action: "Add your n8n server's public IP address to the whitelist on account.esms.vn, or turn the whitelist off.",
	},
	{
		code: '143',
		meaning: 'The account is not activated, or it is locked',
		action: 'Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.',
	},
];

export class EsmsApi implements ICredentialType {
	name = 'esmsApi';

	displayName = 'eSMS API';

	icon: Icon = { light: 'file:esms.svg', dark: 'file:esms.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The ApiKey shown on account.esms.vn under Settings > API Key',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The SecretKey shown next to the ApiKey on account.esms.vn',
		},
		{
			displayName: 'Use Custom Base URLs',
			name: 'useCustomBaseUrls',
			type: 'boolean',
			default: false,
			description:
				'Whether to send requests somewhere other than eSMS itself, e.g. through a proxy or to the eSMS simulator (npx esms-voice-simulator, to try the nodes without an eSMS account)',
		},
		{
			displayName: 'Voice Base URL',
			name: 'voiceBaseUrl',
			type: 'string',
			default: DEFAULT_VOICE_BASE_URL,
			placeholder: DEFAULT_VOICE_BASE_URL,
			description: 'Base URL of the voice host (Make Call, Get Status)',
			displayOptions: { show: { useCustomBaseUrls: [true] } },
		},
		{
			displayName: 'REST Base URL',
			name: 'restBaseUrl',
			type: 'string',
			default: DEFAULT_REST_BASE_URL,
			placeholder: DEFAULT_REST_BASE_URL,
			description: 'Base URL of the REST host (Get Balance, Voice OTP)',
			displayOptions: { show: { useCustomBaseUrls: [true] } },
		},
	];

	/** GET endpoints take the keys in the query string, POST endpoints in the JSON body. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const keys = { ApiKey: credentials.apiKey as string, SecretKey: credentials.secretKey as string };
		if ((requestOptions.method ?? 'GET').toUpperCase() === 'GET') {
			return { ...requestOptions, qs: { ...keys, ...(requestOptions.qs ?? {}) } };
		}
		const body = (requestOptions.body ?? {}) as object;
		return { ...requestOptions, body: { ...keys, ...body } };
	}

	/**
	 * n8n's declarative test can only compare one field with one value, so each refusal is a rule;
	 * an answer without CodeResponse is not eSMS's (a wrong REST Base URL, an HTML page). Any other
	 * code (e.g. 160, too many requests) does not say the keys are unusable: the test passes.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.useCustomBaseUrls ? $credentials.restBaseUrl : '${DEFAULT_REST_BASE_URL}'}}`,
			url: '/GetBalance_json',
			method: 'POST',
			body: {},
			json: true,
		},
		rules: [
			...CREDENTIAL_REFUSALS.map(({ code, meaning, action }) => ({
				type: 'responseSuccessBody' as const,
				properties: { key: 'CodeResponse', value: code, message: `eSMS error ${code}: ${meaning}. ${action}` },
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'CodeResponse',
					value: undefined,
					message:
						'The answer to GetBalance_json is not from eSMS (it has no CodeResponse). Check the REST Base URL (leave "Use Custom Base URLs" off to reach eSMS itself) and any proxy in between.',
				},
			},
		],
	};
}
