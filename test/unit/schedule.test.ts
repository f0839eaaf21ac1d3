import { formatVietnamSendDate, toInstant } from '../../nodes/EsmsVoice/actions/schedule';

const utc = (iso: string) => Date.parse(iso);

describe('toInstant: ISO without an offset is read in the workflow time zone', () => {
	test.each([
		// Vietnam: UTC+7 all year
		['2030-01-02T03:04:05', 'Asia/Ho_Chi_Minh', '2030-01-01T20:04:05.000Z'],
		['2030-07-02T03:04:05', 'Asia/Ho_Chi_Minh', '2030-07-01T20:04:05.000Z'],
		// Berlin: UTC+1 in winter, UTC+2 in summer
		['2030-01-02T03:04:05', 'Europe/Berlin', '2030-01-02T02:04:05.000Z'],
		['2030-07-02T03:04:05', 'Europe/Berlin', '2030-07-02T01:04:05.000Z'],
		['2030-07-02 03:04', 'Europe/Berlin', '2030-07-02T01:04:00.000Z'],
		['2030-07-02T03:04:05.678', 'Europe/Berlin', '2030-07-02T01:04:05.000Z'],
		['2030-07-02', 'Europe/Berlin', '2030-07-01T22:00:00.000Z'],
		['2030-01-02T03:04:05', 'UTC', '2030-01-02T03:04:05.000Z'],
		['2030-01-02T03:04:05', 'America/New_York', '2030-01-02T08:04:05.000Z'],
		// eSMS's own format, also read in the workflow zone
		['2030/01/02 03:04:05', 'Asia/Ho_Chi_Minh', '2030-01-01T20:04:05.000Z'],
		['2030-01-02 03:04:05', 'Europe/Berlin', '2030-01-02T02:04:05.000Z'],
	])('%s in %s → %s', (input, zone, expected) => {
		expect(toInstant(input, zone)).toBe(utc(expected));
	});

	test('the day daylight saving starts in Berlin (31 March 2030)', () => {
		expect(toInstant('2030-03-31T01:30:00', 'Europe/Berlin')).toBe(utc('2030-03-31T00:30:00Z'));
		expect(toInstant('2030-03-31T03:30:00', 'Europe/Berlin')).toBe(utc('2030-03-31T01:30:00Z'));
	});
});

describe('toInstant: explicit offsets ignore the workflow zone', () => {
	test.each([
		['2030-01-02T03:04:05Z', '2030-01-02T03:04:05.000Z'],
		['2030-01-02T03:04:05.250Z', '2030-01-02T03:04:05.250Z'],
		['2030-01-02T03:04:05+02:00', '2030-01-02T01:04:05.000Z'],
		['2030-01-02T03:04:05+0200', '2030-01-02T01:04:05.000Z'],
		['2030-01-02T03:04:05-05:00', '2030-01-02T08:04:05.000Z'],
		['2030-01-02T03:04:05+07:00', '2030-01-01T20:04:05.000Z'],
	])('%s → %s', (input, expected) => {
		expect(toInstant(input, 'Europe/Berlin')).toBe(utc(expected));
		expect(toInstant(input, 'Asia/Ho_Chi_Minh')).toBe(utc(expected));
	});
});

describe('toInstant: Date, number and Luxon-like values', () => {
	test('Date objects', () => {
		expect(toInstant(new Date('2030-01-02T03:04:05Z'), 'Europe/Berlin')).toBe(utc('2030-01-02T03:04:05Z'));
		expect(toInstant(new Date('nonsense'), 'Europe/Berlin')).toBeUndefined();
	});

	test('epoch milliseconds', () => {
		expect(toInstant(1893553445000, 'Europe/Berlin')).toBe(1893553445000);
		expect(toInstant(Number.NaN, 'Europe/Berlin')).toBeUndefined();
		expect(toInstant(Number.POSITIVE_INFINITY, 'Europe/Berlin')).toBeUndefined();
	});

	test('objects with toMillis (Luxon DateTime)', () => {
		expect(toInstant({ toMillis: () => 1893553445000, isValid: true }, 'UTC')).toBe(1893553445000);
		expect(toInstant({ toMillis: () => 1893553445000 }, 'UTC')).toBe(1893553445000);
		expect(toInstant({ toMillis: () => Number.NaN, isValid: false }, 'UTC')).toBeUndefined();
		expect(toInstant({ iso: '2030-01-02T03:04:05Z' }, 'UTC')).toBeUndefined();
	});
});

describe('toInstant: not dates', () => {
	test.each([
		['2026-02-30T10:00:00'],
		['2026-02-30T10:00:00Z'],
		['2026-02-31T10:00:00+02:00'],
		['2027-02-29T10:00:00'],
		['2030-04-31T10:00:00Z'],
		['2030-13-01T10:00:00'],
		['2030-12-24T24:00:00'],
		['2030-12-24T10:60:00Z'],
		['2030/02/30 10:00:00'],
		['next tuesday'],
		['tomorrow at 10'],
		['24.12.2030 10:00'],
		['12/24/2030'],
		[''],
	])('%j', (input) => {
		expect(toInstant(input, 'Europe/Berlin')).toBeUndefined();
	});

	test('leap day exists in 2028', () => {
		expect(toInstant('2028-02-29T10:00:00Z', 'UTC')).toBe(utc('2028-02-29T10:00:00Z'));
	});

	test.each([[null], [undefined], [true], [['2030-01-02']]])('%j', (input) => {
		expect(toInstant(input, 'UTC')).toBeUndefined();
	});
});

describe('formatVietnamSendDate', () => {
	test.each([
		['2030-01-02T03:04:05Z', 'voice', '2030/01/02 10:04:05'],
		['2030-01-02T03:04:05Z', 'rest', '2030-01-02 10:04:05'],
		// crosses midnight, month and year in Vietnam
		['2030-12-31T17:00:00Z', 'voice', '2031/01/01 00:00:00'],
		['2030-12-31T16:59:59Z', 'rest', '2030-12-31 23:59:59'],
		['2030-02-28T20:30:00Z', 'voice', '2030/03/01 03:30:00'],
	] as const)('%s as %s → %s', (iso, style, expected) => {
		expect(formatVietnamSendDate(utc(iso), style)).toBe(expected);
	});

	test('drops milliseconds', () => {
		expect(formatVietnamSendDate(utc('2030-01-02T03:04:05.999Z'), 'voice')).toBe('2030/01/02 10:04:05');
	});

	test('a Berlin wall-clock time becomes the same instant in Vietnam time', () => {
		const instant = toInstant('2030-07-02T09:00:00', 'Europe/Berlin') as number;
		expect(formatVietnamSendDate(instant, 'voice')).toBe('2030/07/02 14:00:00');
		expect(formatVietnamSendDate(instant, 'rest')).toBe('2030-07-02 14:00:00');
	});
});
