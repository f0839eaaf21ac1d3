/**
 * The one place that talks to eSMS: builds the request, lets n8n add the keys (credential
 * `authenticate`), retries transport faults when that cannot place a second call, and turns
 * every failure into an error that never carries the keys or the request URL.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { describeEsmsCode } from './errors';
import { RequestPacer } from './pacer';
import { redactSecrets } from './redact';
import type { EsmsEndpoint } from '../../shared/wire';
import { CODE_RATE_LIMITED, CODE_SUCCESS, DEFAULT_REST_BASE_URL, DEFAULT_VOICE_BASE_URL } from '../../shared/wire';

export const CREDENTIAL_TYPE = 'esmsApi';

export interface TransportSettings {
	voiceBaseUrl: string;
	restBaseUrl: string;
	timeoutMs: number;
	/** Extra attempts after a transport fault (only where repeating is safe). */
	retries: number;
	/** Delay before the first retry; doubles each time. */
	retryDelayMs: number;
	/** Values scrubbed from any text that reaches the user. */
	secrets: string[];
	/** Shared by every request of this node run: keeps to the account's requests per second. */
	pacer: RequestPacer;
	/** Times an item answered 160 (over the rate limit, nothing placed) is sent again. */
	rateLimitRetries: number;
	/** Wait before sending a 160 item again; doubles each time, up to RATE_LIMIT_MAX_DELAY_MS. */
	rateLimitDelayMs: number;
}

export const RATE_LIMIT_RETRIES = 10;
export const RATE_LIMIT_DELAY_MS = 250;
const RATE_LIMIT_MAX_DELAY_MS = 8000;

export interface EsmsRequest {
	endpoint: EsmsEndpoint;
	params: IDataObject;
	itemIndex: number;
	/** A RequestId eSMS de-duplicates makes a repeat harmless. */
	hasRequestId: boolean;
}

export interface EsmsAnswer {
	code: string;
	body: IDataObject;
}

/** Transport faults where the request never left this machine: always safe to send again. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
const TRANSIENT_CODES = [...NOT_SENT_CODES, 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT'];

/**
 * 408 and 429 come from a proxy or firewall in front of eSMS (eSMS itself answers 200 with a code):
 * passing, like a 5xx. Whether the request went on to eSMS is unknown, so also like a 5xx.
 */
const RETRYABLE_HTTP_STATUSES = [408, 429];

interface TransportFault {
	transient: boolean;
	notSent: boolean;
	summary: string;
	httpCode?: string;
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		// n8n 2.x keeps the socket error as `cause`; n8n 1.x's NodeApiError drops it and keeps its code as `httpCode`.
		const { code, httpCode, cause } = current as { code?: unknown; httpCode?: unknown; cause?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		if (typeof httpCode === 'string' && /^E[A-Z_]+$/.test(httpCode)) return httpCode;
		current = cause;
	}
	const message = error instanceof Error ? error.message : '';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

function classifyThrown(error: unknown): TransportFault {
	const code = errorCode(error);
	if (code && TRANSIENT_CODES.includes(code)) {
		const summary =
			code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT'
				? 'eSMS did not answer in time'
				: `the connection to eSMS failed (${code})`;
		return { transient: true, notSent: NOT_SENT_CODES.includes(code), summary };
	}
	return { transient: false, notSent: false, summary: `the request to eSMS failed${code ? ` (${code})` : ''}` };
}

function parseBody(raw: unknown): IDataObject | undefined {
	if (raw && typeof raw === 'object' && !Array.isArray(raw) && !Buffer.isBuffer(raw)) return raw as IDataObject;
	const textBody = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
	if (textBody === undefined) return undefined;
	try {
		const parsed: unknown = JSON.parse(textBody);
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

function baseUrlFor(endpoint: EsmsEndpoint, settings: TransportSettings): string {
	const base = endpoint.host === 'voice' ? settings.voiceBaseUrl : settings.restBaseUrl;
	return base.replace(/\/+$/, '');
}

function apiError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
	secrets: string[],
	extra: JsonObject = {},
): NodeApiError {
	const safeMessage = redactSecrets(message, secrets);
	const safeDescription = redactSecrets(description, secrets);
	const error = new NodeApiError(
		ctx.getNode(),
		{ message: safeMessage, description: safeDescription, ...extra },
		{ message: safeMessage, description: safeDescription, itemIndex },
	);
	// NodeApiError swaps any message mentioning ECONNRESET, ECONNREFUSED, … for n8n's generic text.
	error.message = safeMessage;
	return error;
}

/**
 * Sends one request; answers with eSMS's code and body, whatever the code. Code 160 (over the
 * account's requests per second) means nothing was done, so the same request (same RequestId)
 * is sent again after a bounded, doubling wait; the last 160 is answered like any other code.
 */
export async function sendEsmsRequest(
	this: IExecuteFunctions,
	request: EsmsRequest,
	settings: TransportSettings,
): Promise<EsmsAnswer> {
	for (let retry = 0; ; retry++) {
		const startedAt = await settings.pacer.wait();
		const answer = await sendOnce.call(this, request, settings);
		if (answer.code !== CODE_RATE_LIMITED) {
			settings.pacer.accepted(startedAt);
			return answer;
		}
		settings.pacer.limited();
		if (retry >= settings.rateLimitRetries) return answer;
		await sleep(Math.min(settings.rateLimitDelayMs * 2 ** retry, RATE_LIMIT_MAX_DELAY_MS));
	}
}

async function sendOnce(this: IExecuteFunctions, request: EsmsRequest, settings: TransportSettings): Promise<EsmsAnswer> {
	const { endpoint, params, itemIndex } = request;
	const options: IHttpRequestOptions = {
		method: endpoint.method,
		url: `${baseUrlFor(endpoint, settings)}/${endpoint.path}`,
		timeout: settings.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: true,
	};
	if (endpoint.method === 'GET') options.qs = { ...params };
	else options.body = { ...params };

	const repeatable = endpoint.readOnly || request.hasRequestId;
	let fault: TransportFault | undefined;
	for (let attempt = 0; attempt <= settings.retries; attempt++) {
		if (attempt > 0) await sleep(settings.retryDelayMs * 2 ** (attempt - 1));
		let response: { statusCode?: number; body?: unknown };
		try {
			// A fresh copy each time: authenticate() must not see keys added by a previous attempt.
			response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				...options,
				qs: options.qs ? { ...options.qs } : undefined,
				body: options.body ? { ...(options.body as IDataObject) } : undefined,
			});
		} catch (error) {
			fault = classifyThrown(error);
			if (fault.transient && (repeatable || fault.notSent)) continue;
			break;
		}
		const status = response.statusCode ?? 0;
		const body = parseBody(response.body);
		if (status >= 500 || RETRYABLE_HTTP_STATUSES.includes(status)) {
			fault = { transient: true, notSent: false, summary: `eSMS answered HTTP ${status}`, httpCode: String(status) };
			if (repeatable) continue;
			break;
		}
		if (status !== 200) {
			throw apiError(
				this,
				itemIndex,
				`eSMS answered HTTP ${status} to ${endpoint.path}`,
				'Check the base URLs in the eSMS API credential (leave "Use Custom Base URLs" off to reach eSMS itself).',
				settings.secrets,
				{ httpCode: String(status) },
			);
		}
		if (!body) {
			fault = { transient: true, notSent: false, summary: 'eSMS answered with something that is not JSON (for example an HTML error page)' };
			if (repeatable) continue;
			break;
		}
		const code = String(body[endpoint.codeField] ?? body.CodeResult ?? body.CodeResponse ?? '').trim();
		return { code, body };
	}
	throw transportError(this, request, settings, fault);
}

function transportError(
	ctx: IExecuteFunctions,
	request: EsmsRequest,
	settings: TransportSettings,
	fault: TransportFault | undefined,
): NodeApiError {
	const summary = fault?.summary ?? 'the request to eSMS failed';
	const repeatable = request.endpoint.readOnly || request.hasRequestId;
	const attempts = repeatable || fault?.notSent ? settings.retries + 1 : 1;
	const tries = attempts === 1 ? 'once' : `${attempts} times`;
	let description: string;
	if (!fault?.transient) {
		description = 'Check that n8n can reach the eSMS hosts (or the base URLs set in the credential).';
	} else if (repeatable || fault.notSent) {
		description = `Tried ${tries}. eSMS may be down or unreachable from this n8n server; try again later.`;
	} else {
		description =
			'The call may or may not have been placed. It was not sent again because the request carried no request ID, so a repeat could call the person twice. Check the eSMS dashboard before running it again, and keep Options > "Automatic Request ID" on (or set a Request ID) so retries are safe.';
	}
	return apiError(ctx, request.itemIndex, `${request.endpoint.path}: ${summary}`, description, settings.secrets, {
		...(fault?.httpCode ? { httpCode: fault.httpCode } : {}),
	});
}

/** Any code other than 100 becomes an error saying what it means and what to do. */
export function esmsCodeError(
	ctx: IExecuteFunctions,
	answer: EsmsAnswer,
	itemIndex: number,
	settings: TransportSettings,
): NodeApiError {
	const errorMessage = typeof answer.body.ErrorMessage === 'string' ? answer.body.ErrorMessage : undefined;
	const info = describeEsmsCode(answer.code, errorMessage);
	return apiError(
		ctx,
		itemIndex,
		`eSMS error ${answer.code || '(no code)'}: ${info.meaning}`,
		info.action,
		settings.secrets,
		{ esmsCode: answer.code },
	);
}

export function isSuccess(answer: EsmsAnswer): boolean {
	return answer.code === CODE_SUCCESS;
}

/** An opaque key for an account: a hash, so no key is kept in memory beside the credential. */
function accountKey(apiKey: string, host: string): string {
	return createHash('sha256').update(`${host}\n${apiKey}`).digest('base64url');
}

export async function loadTransportSettings(
	this: IExecuteFunctions,
	overrides: { timeoutMs: number; retries: number; retryDelayMs: number; callsPerSecond: number; rateLimitRetries: number },
): Promise<TransportSettings> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const custom = credentials.useCustomBaseUrls === true;
	return {
		voiceBaseUrl: custom && credentials.voiceBaseUrl ? String(credentials.voiceBaseUrl) : DEFAULT_VOICE_BASE_URL,
		restBaseUrl: custom && credentials.restBaseUrl ? String(credentials.restBaseUrl) : DEFAULT_REST_BASE_URL,
		secrets: [credentials.apiKey, credentials.secretKey].filter((v): v is string => typeof v === 'string'),
		timeoutMs: overrides.timeoutMs,
		retries: overrides.retries,
		retryDelayMs: overrides.retryDelayMs,
		// Per account and host, so that runs in a loop share what eSMS accepted (never the key itself).
		pacer: RequestPacer.forAccount(accountKey(String(credentials.apiKey ?? ''), custom ? String(credentials.voiceBaseUrl ?? '') : ''), overrides.callsPerSecond),
		rateLimitRetries: overrides.rateLimitRetries,
		rateLimitDelayMs: RATE_LIMIT_DELAY_MS,
	};
}
