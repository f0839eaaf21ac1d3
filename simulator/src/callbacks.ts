// How eSMS reports a call result: a GET to the caller's CallbackUrl with the result in the query.
import * as http from 'node:http';
import type { CallbackStyle, SimulatedCall } from './types';

/** The calling number eSMS reports in every callback. */
export const CALLER_ID = '02871002454';
/** A callback receiver that does not answer within this is treated as a failed attempt. */
export const CALLBACK_TIMEOUT_MS = 5000;

export const SEND_STATUS_WAITING = 2;
export const SEND_STATUS_FINISHED = 5;
export const SEND_STATUS_SENT = 7;

/** The telco id eSMS reports in a voice OTP's callback (which operator carried it). */
export const OTP_TELCO_ID = '1';

/**
 * Query string of one callback, in eSMS's parameter order, spaces as '+' like real gateways. A
 * call's callback carries ReferenceId…SendStatus; a voice OTP's is the SMS form (SMSID, …).
 */
export function callbackQuery(call: SimulatedCall, sendStatus: number, omitSendStatus = false): string {
	const final = sendStatus === SEND_STATUS_FINISHED;
	const outcome = call.outcome;
	const pairs: Array<[string, string]> =
		call.kind === 'voiceOtp'
			? [
					['SMSID', call.referenceId],
					['SendFailed', String(final ? 1 - outcome.sentResult : 0)],
					['SendStatus', String(sendStatus)],
					['SendSuccess', String(final ? outcome.sentResult : 0)],
					['TotalPrice', String(final ? outcome.price : 0)],
					['TotalReceiver', '1'],
					['TotalSent', '1'],
					['RequestId', call.requestId ?? ''],
					['TypeId', '8'],
					['telcoid', OTP_TELCO_ID],
					['phonenumber', call.phone],
				]
			: [
					['ReferenceId', call.referenceId],
					['CallDuration', String(final ? outcome.duration : 0)],
					['CallStatus', final ? outcome.callStatus : ''],
					['Ivr', final ? outcome.ivr : ''],
					['Price', (final ? outcome.price : 0).toFixed(4)],
					['SentResult', String(final ? outcome.sentResult : 0)],
					['CID', CALLER_ID],
					['SendStatus', String(sendStatus)],
				];
	return new URLSearchParams(pairs.filter(([name]) => !(omitSendStatus && name === 'SendStatus'))).toString();
}

/** The docs' style: `…?ReferenceId=&CallDuration=&…` with each empty placeholder filled in place. */
function fillPlaceholders(url: string, query: string): string {
	const mark = url.indexOf('?');
	const values = new Map<string, string>();
	for (const part of query.split('&')) values.set(part.slice(0, part.indexOf('=')).toLowerCase(), part);
	const parts = url
		.slice(mark + 1)
		.split('&')
		.map((part) => {
			const eq = part.indexOf('=');
			const name = eq < 0 ? part : part.slice(0, eq);
			const filled = values.get(name.toLowerCase());
			if (filled === undefined || (eq >= 0 && eq < part.length - 1)) return part;
			values.delete(name.toLowerCase());
			return `${name}=${filled.slice(filled.indexOf('=') + 1)}`;
		});
	return `${url.slice(0, mark + 1)}${[...parts, ...values.values()].filter((p) => p !== '').join('&')}`;
}

export function buildCallbackUrl(base: string, query: string, style: CallbackStyle): string {
	// A fragment is never sent to a server, so drop it rather than append after it.
	const hash = base.indexOf('#');
	const url = hash === -1 ? base : base.slice(0, hash);
	if (style === 'placeholders' && url.includes('?')) return fillPlaceholders(url, query);
	if (style === 'strayQuestionMark' || !url.includes('?')) return `${url}?${query}`;
	if (url.endsWith('?') || url.endsWith('&')) return `${url}${query}`;
	return `${url}&${query}`;
}

/**
 * One GET to a callback URL. Resolves with the HTTP status, or 'error' for a connection error,
 * a timeout, an unparseable URL or a non-http: URL (https is never contacted: no certificates here).
 */
export function sendCallback(url: string, inFlight: Set<http.ClientRequest>): Promise<number | 'error'> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return Promise.resolve('error');
	}
	if (parsed.protocol !== 'http:') return Promise.resolve('error');
	return new Promise((resolve) => {
		let settled = false;
		const finish = (result: number | 'error'): void => {
			if (settled) return;
			settled = true;
			inFlight.delete(request);
			resolve(result);
		};
		// agent:false = a fresh connection closed after use, so no keep-alive socket outlives stop().
		const request = http.get(
			parsed,
			{ agent: false, headers: { 'User-Agent': 'eSMS-Simulator/1.0' } },
			(response) => {
				response.resume();
				response.on('end', () => finish(response.statusCode ?? 'error'));
				response.on('error', () => finish('error'));
				response.on('close', () => finish(response.statusCode ?? 'error'));
			},
		);
		inFlight.add(request);
		request.setTimeout(CALLBACK_TIMEOUT_MS, () => request.destroy(new Error('callback timeout')));
		request.on('error', () => finish('error'));
	});
}
