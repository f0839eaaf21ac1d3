/**
 * Input checks run before any request is sent (every eSMS call costs money). Each failure names
 * the item, the field and what is expected.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeVietnamesePhone, PHONE_EXPECTED } from './phone';
import { formatVietnamSendDate, toInstant } from './schedule';
import { MAX_REQUEST_ID_LENGTH } from '../../shared/wire';

export function inputError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	expected: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}, field "${field}": ${problem}`, {
		itemIndex,
		description: `Expected ${expected}.`,
	});
}

/** The offending value, quoted like JSON (strings in quotes), cut short if long. */
function show(value: unknown): string {
	const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
	if (typeof value === 'string') return JSON.stringify(cut(value));
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : cut(text);
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function requirePhone(ctx: IExecuteFunctions, itemIndex: number, field: string, value: unknown): string {
	if (isBlank(value)) throw inputError(ctx, itemIndex, field, 'is empty', PHONE_EXPECTED);
	const phone = normalizeVietnamesePhone(value);
	if (!phone) {
		throw inputError(ctx, itemIndex, field, `${show(value)} is not a Vietnamese phone number`, PHONE_EXPECTED);
	}
	return phone;
}

export function requireText(ctx: IExecuteFunctions, itemIndex: number, field: string, value: unknown, expected: string): string {
	if (isBlank(value)) throw inputError(ctx, itemIndex, field, 'is empty', expected);
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw inputError(ctx, itemIndex, field, `${show(value)} is not text`, expected);
	}
	return String(value).trim();
}

/** Whole numbers within bounds; n8n may hand numbers over as strings when they come from expressions. */
export function requireInteger(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
		const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of ${min} or more` : `a whole number from ${min} to ${max}`;
		throw inputError(ctx, itemIndex, field, `${show(value)} is not allowed`, range);
	}
	return n;
}

/** A number above zero, fractions allowed (e.g. a timeout of 0.5 seconds). */
export function requirePositiveNumber(ctx: IExecuteFunctions, itemIndex: number, field: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
		throw inputError(ctx, itemIndex, field, `${show(value)} is not allowed`, 'a number above 0');
	}
	return n;
}

export function requireIvrKey(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const key = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^[0-9]$/.test(key)) {
		throw inputError(ctx, itemIndex, 'Key', `${show(value)} is not a phone key`, 'a single key from 0 to 9');
	}
	return key;
}

export function requireRequestId(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const id = requireText(ctx, itemIndex, 'Request ID', value, `text of at most ${MAX_REQUEST_ID_LENGTH} characters`);
	if (id.length > MAX_REQUEST_ID_LENGTH) {
		throw inputError(
			ctx,
			itemIndex,
			'Request ID',
			`is ${id.length} characters long`,
			`at most ${MAX_REQUEST_ID_LENGTH} characters (eSMS rejects longer ones)`,
		);
	}
	return id;
}

export function requireCallbackUrl(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const expected = 'an http:// or https:// URL, such as the production URL of an eSMS Voice Trigger';
	const text = requireText(ctx, itemIndex, 'Callback URL', value, expected);
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	// The value is not echoed: a callback URL may carry a token of its own.
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
		throw inputError(ctx, itemIndex, 'Callback URL', 'is not an http(s) URL', expected);
	}
	return text;
}

/** The instant Schedule At names; it must be in the future. */
export function requireSchedule(ctx: IExecuteFunctions, itemIndex: number, value: unknown, nowMs = Date.now()): number {
	const expected = 'a date and time in the future, e.g. 2026-12-24T09:30:00 (the workflow time zone) or an ISO date with an offset';
	const instant = toInstant(value, ctx.getTimezone());
	if (instant === undefined) throw inputError(ctx, itemIndex, 'Schedule At', `${show(value)} is not a date`, expected);
	if (instant <= nowMs) {
		throw inputError(
			ctx,
			itemIndex,
			'Schedule At',
			`${formatVietnamSendDate(instant, 'voice')} (Vietnam time) is in the past`,
			expected,
		);
	}
	return instant;
}
