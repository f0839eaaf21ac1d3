/**
 * Vietnamese phone numbers: mobiles are 0 + 9 digits (first digit 3, 5, 7, 8 or 9), landlines
 * 0 + 10 digits starting with 2. People write them with +84/84/0084, spaces, dots, dashes and
 * parentheses; eSMS gets one canonical form: the national form starting with 0.
 *
 * Spreadsheets store phones as numbers, so the leading 0 is gone before n8n sees them (Excel
 * cells, Google Sheets' unformatted values): 9 bare digits with a mobile prefix and 10 bare digits
 * starting with 2 (a landline) are read as the national number without its 0. Nothing else is:
 * 8 digits, or 10 digits of another kind, stay errors.
 */

const SEPARATORS = /[\s.\-()\u00a0]/g;
const MOBILE = /^[35789]\d{8}$/;
const LANDLINE = /^2\d{9}$/;

export const PHONE_EXPECTED =
	'a Vietnamese number such as 0912345678, 84912345678 or +84 912 345 678 (mobile: 10 digits starting with 0; landline: 11 digits starting with 02)';

/** Returns the number as 0xxxxxxxxx, or undefined when it cannot be a Vietnamese number. */
export function normalizeVietnamesePhone(input: unknown): string | undefined {
	if (typeof input !== 'string' && typeof input !== 'number') return undefined;
	// A number is digits only: 9.12345678 or -912345678 are not a phone written with separators.
	if (typeof input === 'number' && !(Number.isSafeInteger(input) && input > 0)) return undefined;
	const compact = String(input).replace(SEPARATORS, '');
	let national: string;
	if (compact.startsWith('+84')) national = compact.slice(3);
	else if (compact.startsWith('0084')) national = compact.slice(4);
	else if (compact.startsWith('84') && compact.length >= 11) national = compact.slice(2);
	else if (compact.startsWith('0')) national = compact.slice(1);
	else if (MOBILE.test(compact) || LANDLINE.test(compact)) national = compact;
	else return undefined;
	// "+84 (0) 912…" and "840912…" keep the trunk 0 after the country code.
	if (national.startsWith('0') && national.length > 9) national = national.slice(1);
	if (!MOBILE.test(national) && !LANDLINE.test(national)) return undefined;
	return `0${national}`;
}
