// Parameter checks, and the error texts the simulator answers with.

/** Request parameters, from the query (GET) or the JSON body (POST); '' counts as absent. */
export type Params = Record<string, string>;

export const MAX_REQUEST_ID_LENGTH = 50;

/** Every code of eSMS's error table that can reach a voice or voice-OTP request. */
export const ERROR_MESSAGES: Record<string, string> = {
	'99': 'Phone number is blocked',
	'101': 'Authorize Failed',
	'102': 'No price list for this account',
	'103': 'Balance not enough',
	'104': 'Template not found',
	'105': 'ReferenceId not found',
	'106': 'Recording not found',
	'108': 'Invalid phone number',
	'110': 'Invalid request data',
	'118': 'Unsupported message type',
	'124': 'Duplicate RequestId',
	'140': 'IP not whitelisted',
	'143': 'Account not activated or locked',
	'146': 'Wrong customer-care template',
	'160': 'Too many requests per second',
	'163': 'Only one phone number is allowed',
	'177': 'Network operator not registered',
	'199': 'Request already exists and is being processed',
	'201': 'Content contains a blocked keyword',
	'210': 'Invalid payload',
	'300': 'Message type is missing',
	'301': 'Service type not supported',
};

/**
 * eSMS is a .NET WCF service, which matches parameter names without regard to case (the docs
 * write `RequestID=`, a public client sends `APIKey`). Known names are mapped to one spelling.
 */
const KNOWN_PARAMS = [
	'ApiKey',
	'SecretKey',
	'Phone',
	'TemplateId',
	'NumberForward',
	'SendDate',
	'MaxRepeat',
	'MaxRetry',
	'Ivr',
	'TimeWaitToIvr',
	'WaitRetry',
	'CallbackUrl',
	'RequestId',
	'VariableListStr',
	'Voice',
	'Speed',
	'ReferenceId',
	'RefId',
	'Content',
	'SmsType',
	'IsUnicode',
	'Sandbox',
	'campaignid',
];
const CANONICAL = new Map(KNOWN_PARAMS.map((name) => [name.toLowerCase(), name]));

/** Parameters under their canonical names; the first value wins when two spellings repeat. */
export function canonicalParams(params: Params): Params {
	const out: Params = {};
	for (const [name, value] of Object.entries(params)) {
		const canonical = CANONICAL.get(name.toLowerCase()) ?? name;
		if (!(canonical in out)) out[canonical] = value;
	}
	return out;
}

/** IDs (ReferenceId, RefId, RequestId) compared the way eSMS does: trimmed, any case. */
export function idKey(id: string): string {
	return id.trim().toLowerCase();
}

export function errorMessage(code: string): string {
	return ERROR_MESSAGES[code] ?? `Error ${code}`;
}

/** A present, non-empty parameter, or undefined. */
export function param(params: Params, name: string): string | undefined {
	const value = params[name];
	return value === undefined || value === '' ? undefined : value;
}

/** JSON body values as strings, so GET and POST endpoints share the same checks. */
export function paramsFromBody(body: unknown): Params {
	const params: Params = {};
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return params;
	for (const [name, value] of Object.entries(body)) {
		if (typeof value === 'string') params[name] = value;
		else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
	}
	return params;
}

export function isValidPhone(phone: string | undefined): phone is string {
	return phone !== undefined && /^(0\d{9,10}|84\d{9,10})$/.test(phone);
}

/** Checks `yyyy<sep>MM<sep>dd HH:mm:ss` and that each field is in range. */
export function isValidSendDate(value: string, separator: '/' | '-'): boolean {
	const sep = separator === '/' ? '/' : '-';
	const match = new RegExp(`^(\\d{4})${sep}(\\d{2})${sep}(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})$`).exec(value);
	if (!match) return false;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60;
}

const NON_NEGATIVE_INTEGER_PARAMS = ['MaxRepeat', 'MaxRetry', 'TimeWaitToIvr', 'WaitRetry'];
const VOICES = ['male', 'female', 'hatieumai', 'ngoclam'];

/** Optional make-call parameters; returns the error message for code -1, or undefined. */
export function checkCallOptions(params: Params, tts: boolean): string | undefined {
	const sendDate = param(params, 'SendDate');
	if (sendDate !== undefined && !isValidSendDate(sendDate, '/')) return 'Invalid SendDate';
	const ivr = param(params, 'Ivr');
	if (ivr !== undefined && !/^[0-9]$/.test(ivr)) return 'Invalid Ivr';
	for (const name of NON_NEGATIVE_INTEGER_PARAMS) {
		const value = param(params, name);
		if (value !== undefined && !/^\d+$/.test(value)) return `Invalid ${name}`;
	}
	if (tts) {
		const voice = param(params, 'Voice');
		if (voice !== undefined && !VOICES.includes(voice)) return 'Invalid Voice';
		const speed = param(params, 'Speed');
		if (speed !== undefined && !(/^-?\d$/.test(speed) && Math.abs(Number(speed)) <= 3)) return 'Invalid Speed';
	}
	return checkRequestId(params);
}

export function checkRequestId(params: Params): string | undefined {
	const requestId = param(params, 'RequestId');
	return requestId !== undefined && requestId.length > MAX_REQUEST_ID_LENGTH ? 'RequestId too long' : undefined;
}
