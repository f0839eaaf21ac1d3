import { normalizeVietnamesePhone, PHONE_EXPECTED } from '../../nodes/EsmsVoice/actions/phone';

describe('normalizeVietnamesePhone', () => {
	test.each([
		['0912345678', '0912345678'],
		['84912345678', '0912345678'],
		['+84912345678', '0912345678'],
		['+84 912 345 678', '0912345678'],
		['0912.345.678', '0912345678'],
		['0912-345-678', '0912345678'],
		['(091) 234-5678', '0912345678'],
		['0084912345678', '0912345678'],
		['0084 912 345 678', '0912345678'],
		['+84 (0) 912 345 678', '0912345678'],
		['840912345678', '0912345678'],
		['  0912345678  ', '0912345678'],
		['0912\u00a0345\u00a0678', '0912345678'],
		// every mobile prefix digit (3, 5, 7, 8, 9)
		['0323456789', '0323456789'],
		['0523456789', '0523456789'],
		['0703456789', '0703456789'],
		['0812345678', '0812345678'],
		// landlines: 0 + 10 digits starting with 2
		['02871002454', '02871002454'],
		['+84 28 7100 2454', '02871002454'],
		['842871002454', '02871002454'],
		['(028) 7100-2454', '02871002454'],
		['0084 24 3825 1234', '02438251234'],
	])('%j → %s', (input, expected) => {
		expect(normalizeVietnamesePhone(input)).toBe(expected);
	});

	test('numbers (as an expression may hand them over) are read as digits', () => {
		expect(normalizeVietnamesePhone(84912345678)).toBe('0912345678');
		expect(normalizeVietnamesePhone(842871002454)).toBe('02871002454');
	});

	// Spreadsheets store phones as numbers: the leading 0 is gone (XLSX numeric cells, Google Sheets'
	// unformatted values), as a number or as the text a CSV export writes.
	test.each<[string | number, string]>([
		[912345678, '0912345678'],
		['912345678', '0912345678'],
		[323456789, '0323456789'],
		[523456789, '0523456789'],
		[703456789, '0703456789'],
		[812345678, '0812345678'],
		['912 345 678', '0912345678'],
		[2871002454, '02871002454'],
		['2871002454', '02871002454'],
		['28 7100 2454', '02871002454'],
		[2438251234, '02438251234'],
	])('spreadsheet form %j → %s', (input, expected) => {
		expect(normalizeVietnamesePhone(input)).toBe(expected);
	});

	test.each<[string | number, string]>([
		[12345678, '8 digits'],
		['12345678', '8 digits as text'],
		[123456789, '9 digits, 1 is not a mobile prefix'],
		[612345678, '9 digits, 6 is not a mobile prefix'],
		[212345678, '9 digits starting with 2 (a landline needs 10)'],
		[9123456789, '10 digits starting with 9 (neither form)'],
		[3123456789, '10 digits starting with 3'],
		['8491234567', '10 digits starting with 84'],
		[28710024545, '11 digits starting with 2'],
		[9.12345678, 'a fraction'],
		[-912345678, 'negative'],
		['+912345678', 'a plus sign without a country code'],
	])('rejects the bare digits %j (%s)', (input) => {
		expect(normalizeVietnamesePhone(input)).toBeUndefined();
	});

	test.each([
		['12345', 'too short, no prefix'],
		['0123456789', 'old 01x prefix (mobile digits must start with 3, 5, 7, 8 or 9)'],
		['01234567890', 'old 11-digit 01x mobile'],
		['0612345678', '06 is not a mobile prefix'],
		['0412345678', '04 is not a mobile prefix'],
		['091234567', '9 digits'],
		['09123456789', '11-digit mobile'],
		['0287100245', '10-digit landline'],
		['028710024545', '12-digit landline'],
		['+1 555 123 4567', 'US number'],
		['+44 20 7946 0958', 'UK number'],
		['91234567', 'no trunk 0, 8 digits'],
		['09123abc78', 'letters'],
		['zero nine one two', 'words'],
		['0912345678x', 'trailing letter'],
		['', 'empty'],
		['   ', 'blank'],
		['+84', 'country code only'],
	])('rejects %j (%s)', (input) => {
		expect(normalizeVietnamesePhone(input)).toBeUndefined();
	});

	test.each([[null], [undefined], [true], [{ phone: '0912345678' }], [['0912345678']]])('rejects non-text %j', (input) => {
		expect(normalizeVietnamesePhone(input)).toBeUndefined();
	});

	test('the expectation text shown to users', () => {
		expect(PHONE_EXPECTED).toBe(
			'a Vietnamese number such as 0912345678, 84912345678 or +84 912 345 678 (mobile: 10 digits starting with 0; landline: 11 digits starting with 02)',
		);
	});
});
