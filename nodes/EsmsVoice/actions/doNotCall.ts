/**
 * The Do-Not-Call list: numbers that must not be called (Decree 91's register, a customer's
 * opt-out). Entries are compared after the node's own phone normalisation, so "+84 912 345 678"
 * on the list stops a call to 0912345678.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeVietnamesePhone, PHONE_EXPECTED } from './phone';
import { inputError } from './validate';

export const DO_NOT_CALL_REASON = 'on the do-not-call list';

export const doNotCallField: INodeProperties = {
	displayName: 'Do-Not-Call List',
	name: 'doNotCall',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: '0912345678, +84 987 654 321',
	description:
		'Numbers never to call, separated by commas or new lines, or an expression returning an array (e.g. from a Data table). A listed number is not called: its item says so and nothing is charged.',
};

/** Most tokens one written number may be spread over ("+84 912 345 678" is four). */
const MAX_TOKENS_PER_NUMBER = 6;

/**
 * Splits one piece of text into entries: spaces may sit inside a number ("+84 912 345 678") or
 * between numbers ("0912345678 0987654321"), so the shortest run of tokens that forms a number
 * wins; a token that starts none stays an entry of its own (and is reported as not a number).
 */
function entriesInText(piece: string): string[] {
	const tokens = piece.split(/\s+/).filter((token) => token !== '');
	const found: string[] = [];
	let i = 0;
	while (i < tokens.length) {
		let phone: string | undefined;
		let next = i + 1;
		for (let end = i + 1; end <= Math.min(tokens.length, i + MAX_TOKENS_PER_NUMBER); end++) {
			phone = normalizeVietnamesePhone(tokens.slice(i, end).join(''));
			if (phone) {
				next = end;
				break;
			}
		}
		found.push(phone ?? tokens[i]);
		i = next;
	}
	return found;
}

function entriesOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'number') return [value];
	if (typeof value !== 'string') return [value];
	const text = value.trim();
	// An array expression can arrive as JSON text.
	if (text.startsWith('[')) {
		try {
			const parsed: unknown = JSON.parse(text);
			if (Array.isArray(parsed)) return parsed;
		} catch {
			// Not JSON: read it as written text.
		}
	}
	return text.split(/[,;\n\r]+/).flatMap((piece) => entriesInText(piece));
}

function shown(entry: unknown): string {
	const text = typeof entry === 'string' ? JSON.stringify(entry) : (JSON.stringify(entry) ?? String(entry));
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Reads one item's list; the last list read is kept, since every item usually has the same one. */
export class DoNotCallList {
	private lastKey?: string;

	private lastNumbers = new Set<string>();

	numbers(ctx: IExecuteFunctions, itemIndex: number, value: unknown): ReadonlySet<string> {
		if (value === undefined || value === null || value === '') return new Set();
		const key = Array.isArray(value) ? `[${value.map(String).join('\n')}` : String(value);
		if (key === this.lastKey) return this.lastNumbers;
		const numbers = new Set<string>();
		entriesOf(value).forEach((entry, position) => {
			const phone = normalizeVietnamesePhone(entry);
			if (!phone) {
				throw inputError(
					ctx,
					itemIndex,
					'Do-Not-Call List',
					`entry ${position + 1} (${shown(entry)}) is not a phone number`,
					`every entry to be ${PHONE_EXPECTED}`,
				);
			}
			numbers.add(phone);
		});
		this.lastKey = key;
		this.lastNumbers = numbers;
		return numbers;
	}
}
