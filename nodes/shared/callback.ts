/**
 * Reading eSMS's call-result callback (a GET with the result in the query string). Shared by the
 * trigger and by "Make Call and Wait for Result". Tolerant of what gateways really send:
 * `+` or `%20` for spaces, empty values, a stray second `?` where the gateway appended its
 * parameters to a URL that already had a query, the empty `ReferenceId=&CallDuration=&…`
 * placeholders of the docs' sample, broken percent-escapes, and unknown parameters (kept in raw).
 */
import { type CallResult, normalizeCallResult } from './callResult';
import { normalizeOtpResult, type OtpResult } from './otpResult';
import { CALLBACK_PARAMS, OTP_CALLBACK_PARAMS } from './wire';

const MAX_PARAMS = 100;
const MAX_KEY_LENGTH = 100;
const MAX_VALUE_LENGTH = 2000;

const CANONICAL_NAMES = new Map<string, string>(
	[...CALLBACK_PARAMS, ...OTP_CALLBACK_PARAMS].map((name) => [name.toLowerCase(), name]),
);

/** A run of %XX escapes: each well-formed UTF-8 sequence decoded, stray bytes kept as sent. */
function decodeEscapeRun(run: string): string {
	const escapes = run.match(/%[0-9a-f]{2}/gi) ?? [];
	let out = '';
	for (let i = 0; i < escapes.length; ) {
		let taken = 0;
		for (let n = Math.min(4, escapes.length - i); n > 0 && taken === 0; n--) {
			try {
				out += decodeURIComponent(escapes.slice(i, i + n).join(''));
				taken = n;
			} catch {
				// shorter, or a stray byte
			}
		}
		if (taken === 0) {
			out += escapes[i];
			taken = 1;
		}
		i += taken;
	}
	return out;
}

function decodeComponent(text: string): string {
	const spaced = text.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		// Decode the well-formed escapes and keep the rest as sent.
		return spaced.replace(/(%[0-9a-f]{2})+/gi, decodeEscapeRun);
	}
}

/** Query parameters of a request URL (path and query, or a full URL). Later non-empty values win. */
export function parseCallbackQuery(url: string): Record<string, string> {
	const params = new Map<string, string>();
	const start = url.indexOf('?');
	if (start < 0) return {};
	const hash = url.indexOf('#', start);
	const query = url.slice(start + 1, hash < 0 ? undefined : hash);
	for (const part of query.split(/[&?]/)) {
		if (part === '') continue;
		const eq = part.indexOf('=');
		const rawKey = decodeComponent(eq < 0 ? part : part.slice(0, eq)).trim();
		if (rawKey === '' || rawKey.length > MAX_KEY_LENGTH) continue;
		const value = decodeComponent(eq < 0 ? '' : part.slice(eq + 1)).slice(0, MAX_VALUE_LENGTH);
		const key = CANONICAL_NAMES.get(rawKey.toLowerCase()) ?? rawKey;
		const previous = params.get(key);
		if (previous === undefined && params.size >= MAX_PARAMS) continue;
		if (value === '' && previous) continue;
		params.set(key, value);
	}
	// Map → plain object: keys like "__proto__" or "constructor" stay ordinary own properties.
	return Object.fromEntries(params);
}

export interface ParsedCallback {
	/** A call's result; undefined when the request carries no ReferenceId. */
	result: CallResult | undefined;
	/** A voice OTP's result (SMS form: SMSID and no ReferenceId); else undefined. */
	otp?: OtpResult;
	raw: Record<string, string>;
}

const present = (value: string | undefined): boolean => typeof value === 'string' && value.trim() !== '';

export function parseEsmsCallback(url: string, dropParams: string[] = []): ParsedCallback {
	const raw = parseCallbackQuery(url);
	for (const name of dropParams) delete raw[name];
	if (present(raw.ReferenceId)) return { result: normalizeCallResult(raw), raw };
	if (present(raw.SMSID)) return { result: undefined, otp: normalizeOtpResult(raw), raw };
	return { result: undefined, raw };
}

/**
 * Two deliveries of the same result share this key (eSMS re-sends until it gets HTTP 200). IDs
 * are compared without regard to case (eSMS writes them in either case).
 */
export function deliveryKey(result: CallResult | OtpResult): string {
	const id = result.referenceId.toLowerCase();
	const key = `${id}|${result.sendStatus ?? ''}`;
	return result.kind === 'voiceOtp' ? `otp|${key}` : key;
}
