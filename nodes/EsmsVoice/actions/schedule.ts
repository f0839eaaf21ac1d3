/**
 * Schedules: eSMS reads SendDate as Vietnam wall-clock time (Asia/Ho_Chi_Minh, UTC+7, no daylight
 * saving since 1975). n8n hands us ISO strings with or without an offset, Date objects or Luxon
 * DateTimes; a time without an offset means the workflow's time zone, as everywhere in n8n.
 */

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
/** The date and time fields of an ISO string, whatever follows them. */
const ISO_FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?/;
const ISO_LOCAL = new RegExp(`${ISO_FIELDS.source}$`);
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const ESMS_STYLE = /^(\d{4})[/-](\d{2})[/-](\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export type SendDateStyle = 'voice' | 'rest';

/** Offset of `timeZone` from UTC at `instantMs`, in ms. */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instantMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** Wall-clock fields in `timeZone` → instant. Handles DST by re-checking the offset once. */
function wallClockToInstant(fields: number[], timeZone: string): number {
	const [y, mo, d, h, mi, s] = fields;
	const guess = Date.UTC(y, mo - 1, d, h, mi, s);
	const first = guess - zoneOffsetMs(guess, timeZone);
	return guess - zoneOffsetMs(first, timeZone);
}

function isValidWallClock(fields: number[]): boolean {
	const [y, mo, d, h, mi, s] = fields;
	const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
	return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/**
 * Turns whatever n8n gave for a date into an instant (ms since epoch), or undefined if it is not a date.
 * `timeZone` is the workflow's zone, used only for times written without an offset.
 */
export function toInstant(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (value && typeof value === 'object') {
		const luxonLike = value as { toMillis?: () => number; isValid?: boolean };
		if (typeof luxonLike.toMillis === 'function') {
			return luxonLike.isValid === false ? undefined : luxonLike.toMillis();
		}
		return undefined;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const local = ISO_LOCAL.exec(text) ?? ESMS_STYLE.exec(text);
	if (local) {
		const fields = local.slice(1, 7).map((part) => Number(part ?? 0));
		return isValidWallClock(fields) ? wallClockToInstant(fields, timeZone) : undefined;
	}
	if (!HAS_ZONE.test(text)) return undefined;
	// Date.parse rolls impossible days over (2026-02-30T10:00:00Z → 2 March): check the fields first.
	const withZone = ISO_FIELDS.exec(text);
	if (withZone && !isValidWallClock(withZone.slice(1, 7).map((part) => Number(part ?? 0)))) return undefined;
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : parsed;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Formats an instant as Vietnam wall-clock time in the endpoint's SendDate format. */
export function formatVietnamSendDate(instantMs: number, style: SendDateStyle): string {
	const vn = new Date(instantMs + VIETNAM_OFFSET_MS);
	const sep = style === 'voice' ? '/' : '-';
	const date = [vn.getUTCFullYear(), pad(vn.getUTCMonth() + 1), pad(vn.getUTCDate())].join(sep);
	const time = [pad(vn.getUTCHours()), pad(vn.getUTCMinutes()), pad(vn.getUTCSeconds())].join(':');
	return `${date} ${time}`;
}
