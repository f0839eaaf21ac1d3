/**
 * The eSMS wire format in one place: hosts, endpoints, parameter names, answer codes and the
 * spellings eSMS uses. Everything else in the package refers to these names.
 */

export const DEFAULT_VOICE_BASE_URL = 'https://voiceapi.esms.vn/MainService.svc/json';
export const DEFAULT_REST_BASE_URL = 'https://rest.esms.vn/MainService.svc/json';

export type EsmsHost = 'voice' | 'rest';

export interface EsmsEndpoint {
	host: EsmsHost;
	path: string;
	method: 'GET' | 'POST';
	/** Name of the answer code field: eSMS spells it differently per endpoint. */
	codeField: 'CodeResult' | 'CodeResponse';
	/** Safe to send again after a transport fault even without a RequestId (read-only). */
	readOnly: boolean;
}

export const ENDPOINTS = {
	makeCallRecord: {
		host: 'voice',
		path: 'MakeCallRecord_V2',
		method: 'GET',
		codeField: 'CodeResult',
		readOnly: false,
	},
	makeCallTemplate: {
		host: 'voice',
		path: 'MakeCallTemplate_V2',
		method: 'GET',
		codeField: 'CodeResult',
		readOnly: false,
	},
	getSendStatus: {
		host: 'voice',
		path: 'GetSendStatus',
		method: 'GET',
		codeField: 'CodeResponse',
		readOnly: true,
	},
	/** Status of a voice OTP (an SMS-type message): the rest host, keyed by RefId. */
	getOtpStatus: {
		host: 'rest',
		path: 'GetSendStatus',
		method: 'GET',
		codeField: 'CodeResponse',
		readOnly: true,
	},
	getBalance: {
		host: 'rest',
		path: 'GetBalance_json',
		method: 'POST',
		codeField: 'CodeResponse',
		readOnly: true,
	},
	sendVoiceOtp: {
		host: 'rest',
		path: 'SendMultipleMessage_V4_post_json/',
		method: 'POST',
		codeField: 'CodeResult',
		readOnly: false,
	},
} satisfies Record<string, EsmsEndpoint>;

/** Parameter names of the call endpoints, as eSMS spells them. */
export const PARAM = {
	apiKey: 'ApiKey',
	secretKey: 'SecretKey',
	templateId: 'TemplateId',
	phone: 'Phone',
	numberForward: 'NumberForward',
	sendDate: 'SendDate',
	maxRepeat: 'MaxRepeat',
	maxRetry: 'MaxRetry',
	ivr: 'Ivr',
	timeWaitToIvr: 'TimeWaitToIvr',
	waitRetry: 'WaitRetry',
	callbackUrl: 'CallbackUrl',
	requestId: 'RequestId',
	variableList: 'VariableListStr',
	voice: 'Voice',
	speed: 'Speed',
	referenceId: 'ReferenceId',
	refId: 'RefId',
	content: 'Content',
	smsType: 'SmsType',
	isUnicode: 'IsUnicode',
	sandbox: 'Sandbox',
	campaignId: 'campaignid',
} as const;

export const CODE_SUCCESS = '100';
export const CODE_WRONG_KEYS = '101';
export const CODE_NOT_FOUND = '105';
export const CODE_DUPLICATE_REQUEST_ID = '124';
/** Over the account's requests per second: nothing was done, so sending again is safe. */
export const CODE_RATE_LIMITED = '160';

/** SmsType that makes SendMultipleMessage_V4 read the content out as a voice call. */
export const SMS_TYPE_VOICE_OTP = '8';

/** Schedule formats: the voice host and the rest host disagree. Both are Vietnam time. */
export const SEND_DATE_FORMAT = { voice: 'yyyy/MM/dd HH:mm:ss', rest: 'yyyy-MM-dd HH:mm:ss' } as const;

export const VARIABLE_SEPARATOR = '||';
export const MAX_REQUEST_ID_LENGTH = 50;

export const VOICES = ['male', 'female', 'hatieumai', 'ngoclam'] as const;
export const MIN_SPEED = -3;
export const MAX_SPEED = 3;

/** CallStatus spellings: GetSendStatus writes NOANSWERED, the callback writes NO ANSWER. */
export const CALL_STATUS_ANSWERED = ['ANSWERED'];
export const CALL_STATUS_NO_ANSWER = ['NO ANSWER', 'NOANSWERED', 'NOANSWER', 'NO_ANSWER'];

export const SEND_STATUS_LABELS: Record<number, string> = {
	2: 'Waiting',
	5: 'Finished',
	7: 'Sent, awaiting report',
};
export const SEND_STATUS_FINAL = 5;

/** Query parameters of the call-result callback eSMS sends to CallbackUrl. */
export const CALLBACK_PARAMS = [
	'ReferenceId',
	'CallDuration',
	'CallStatus',
	'Ivr',
	'Price',
	'SentResult',
	'CID',
	'SendStatus',
] as const;

/** Query parameters of a voice OTP's callback: the SMS form, keyed by SMSID (no ReferenceId). */
export const OTP_CALLBACK_PARAMS = [
	'SMSID',
	'SendFailed',
	'SendStatus',
	'SendSuccess',
	'TotalPrice',
	'TotalReceiver',
	'TotalSent',
	'RequestId',
	'TypeId',
	'telcoid',
	'phonenumber',
] as const;

/**
 * A voice OTP's SMSID is 32 or more hex digits without dashes (`d8e0f1f0…d111250`); a call's is a
 * UUID with dashes. Used by Get Status's "Auto-Detect".
 */
export const OTP_ID_PATTERN = /^[0-9a-f]{32,}$/i;
