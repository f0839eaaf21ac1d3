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

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.useCustomBaseUrls ? $credentials.restBaseUrl : '${DEFAULT_REST_BASE_URL}'}}`,
			url: '/GetBalance_json',
			method: 'POST',
			body: {},
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'CodeResponse',
					value: '101',
					message: 'eSMS refused the keys (code 101): copy the API Key and Secret Key again from account.esms.vn',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'CodeResponse',
					value: '140',
					message:
						"eSMS refused this server's IP address (code 140): add it to the IP whitelist on account.esms.vn",
				},
			},
		],
	};
}
