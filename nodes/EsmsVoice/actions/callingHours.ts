/**
 * Calling Hours: a daily window in Vietnam time (UTC+7, no daylight saving) and the days it
 * applies to. Decree 91/2020/ND-CP allows advertising calls only from 08:00 to 17:00; a call
 * whose time falls outside is moved to the next opening (eSMS's SendDate) or skipped.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from './validate';

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** In Date.getUTCDay() order: 0 = Sunday. */
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0];
const TIME = /^(\d{1,2}):(\d{2})$/;

export type CallingHoursMode = 'anyTime' | 'schedule' | 'skip';

export interface CallingWindow {
	/** Minutes after midnight, Vietnam time; the end is not part of the window. */
	startMinute: number;
	endMinute: number;
	/** Days of the week (0 = Sunday) the window opens on. */
	days: ReadonlySet<number>;
}

const capitalised = (day: number) => DAY_NAMES[day][0].toUpperCase() + DAY_NAMES[day].slice(1);

export const callingDayOptions = MONDAY_FIRST.map((day) => ({ name: capitalised(day), value: DAY_NAMES[day] }));
export const ALL_DAYS = MONDAY_FIRST.map((day) => DAY_NAMES[day]);

/** "08:00" → 480; "24:00" only as an end (the end of the day). */
function minuteOfDay(value: unknown, allowEndOfDay: boolean): number | undefined {
	const match = typeof value === 'string' ? TIME.exec(value.trim()) : null;
	if (!match) return undefined;
	const hours = Number(match[1]);
	const minutes = Number(match[2]);
	if (hours === 24 && minutes === 0 && allowEndOfDay) return 24 * 60;
	if (hours > 23 || minutes > 59) return undefined;
	return hours * 60 + minutes;
}

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Checks the window's three fields; every error names the field and what is expected. */
export function requireCallingWindow(ctx: IExecuteFunctions, itemIndex: number, start: unknown, end: unknown, days: unknown): CallingWindow {
	const expected = 'a time of day such as 08:00 (24-hour clock, Vietnam time)';
	const startMinute = minuteOfDay(start, false);
	if (startMinute === undefined) throw inputError(ctx, itemIndex, 'Calling Hours Start', `${JSON.stringify(start)} is not a time`, expected);
	const endMinute = minuteOfDay(end, true);
	if (endMinute === undefined) {
		throw inputError(ctx, itemIndex, 'Calling Hours End', `${JSON.stringify(end)} is not a time`, `${expected}, or 24:00 for the end of the day`);
	}
	if (endMinute <= startMinute) {
		throw inputError(
			ctx,
			itemIndex,
			'Calling Hours End',
			`${clock(endMinute)} is not after the start (${clock(startMinute)})`,
			'an end later than the start on the same day (a window cannot run past midnight)',
		);
	}
	const chosen = Array.isArray(days) ? days : typeof days === 'string' && days.trim() !== '' ? days.split(',') : [];
	const numbers = new Set<number>();
	for (const day of chosen) {
		const index = DAY_NAMES.indexOf(String(day).trim().toLowerCase());
		if (index === -1) {
			throw inputError(ctx, itemIndex, 'Calling Days', `${JSON.stringify(day)} is not a day of the week`, `days among ${ALL_DAYS.join(', ')}`);
		}
		numbers.add(index);
	}
	if (numbers.size === 0) throw inputError(ctx, itemIndex, 'Calling Days', 'has no day chosen', 'at least one day of the week');
	return { startMinute, endMinute, days: numbers };
}

/** The earliest instant at or after `instantMs` that is inside the window. */
export function nextOpening(window: CallingWindow, instantMs: number): number {
	const local = instantMs + VIETNAM_OFFSET_MS;
	const midnight = Math.floor(local / DAY_MS) * DAY_MS;
	const sinceMidnight = local - midnight;
	const start = window.startMinute * MINUTE_MS;
	const end = window.endMinute * MINUTE_MS;
	for (let ahead = 0; ahead <= 7; ahead++) {
		const day = midnight + ahead * DAY_MS;
		if (!window.days.has(new Date(day).getUTCDay())) continue;
		if (ahead === 0 && sinceMidnight >= end) continue;
		const opening = ahead === 0 && sinceMidnight >= start ? local : day + start;
		return opening - VIETNAM_OFFSET_MS;
	}
	// Unreachable: a window with at least one day opens within a week.
	return instantMs;
}

function describeDays(days: ReadonlySet<number>): string {
	const ordered = MONDAY_FIRST.filter((day) => days.has(day));
	if (ordered.length === 7) return 'every day';
	// Consecutive days (in a Monday-first week) read "Monday to Friday".
	const first = MONDAY_FIRST.indexOf(ordered[0]);
	if (ordered.length > 2 && ordered.every((day, i) => day === MONDAY_FIRST[first + i])) {
		return `${capitalised(ordered[0])} to ${capitalised(ordered[ordered.length - 1])}`;
	}
	return ordered.map(capitalised).join(', ');
}

/** "outside calling hours (08:00 to 17:00 Vietnam time, every day)" */
export function outsideHoursReason(window: CallingWindow): string {
	return `outside calling hours (${clock(window.startMinute)} to ${clock(window.endMinute)} Vietnam time, ${describeDays(window.days)})`;
}

const CALLING_HOURS_MODES = [
	{
		name: 'Any Time',
		value: 'anyTime',
		description: 'Place calls whenever the node runs (or at Schedule At)',
	},
	{
		name: 'Schedule Outside Hours',
		value: 'schedule',
		description: 'A call outside the window is scheduled at its next opening (sent as SendDate)',
	},
	{
		name: 'Skip Outside Hours',
		value: 'skip',
		description: 'A call outside the window is not placed; its item says why',
	},
];

const MODE_DESCRIPTION =
	"When calls may ring, in Vietnam time. Decree 91/2020/ND-CP allows advertising calls only from 08:00 to 17:00. Applies to the call's time: now, or Schedule At.";

/**
 * The Calling Hours choice for the given operations. Version 1 keeps "Any Time" (workflows built
 * before Calling Hours existed behave as they did); from version 1.1 `defaultMode` applies.
 */
export function callingHoursModeFields(operations: string[], defaultMode: CallingHoursMode): INodeProperties[] {
	const show = { resource: ['call'], operation: operations };
	const mode = (modeDefault: CallingHoursMode, versions: INodeProperties['displayOptions']): INodeProperties => ({
		displayName: 'Calling Hours',
		name: 'callingHours',
		type: 'options',
		options: CALLING_HOURS_MODES,
		default: modeDefault,
		description: MODE_DESCRIPTION,
		displayOptions: versions,
	});
	return [
		mode('anyTime', { show: { ...show, '@version': [1] } }),
		mode(defaultMode, { show: { ...show, '@version': [{ _cnd: { gte: 1.1 } }] } }),
	];
}

/** The window, for every operation with a Calling Hours choice (shown unless it is Any Time). */
export function callingWindowFields(operations: string[]): INodeProperties[] {
	const windowShown = { show: { resource: ['call'], operation: operations, callingHours: ['schedule', 'skip'] } };
	return [
		{
			displayName: 'Calling Hours Start',
			name: 'callingHoursStart',
			type: 'string',
			default: '08:00',
			placeholder: '08:00',
			description: 'First minute calls may ring (24-hour clock, Vietnam time)',
			displayOptions: windowShown,
		},
		{
			displayName: 'Calling Hours End',
			name: 'callingHoursEnd',
			type: 'string',
			default: '17:00',
			placeholder: '17:00',
			description: 'Calls must ring before this time (24-hour clock, Vietnam time; 24:00 = end of the day)',
			displayOptions: windowShown,
		},
		{
			displayName: 'Calling Days',
			name: 'callingDays',
			type: 'multiOptions',
			options: callingDayOptions,
			default: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
			description: 'Days of the week the window opens on',
			displayOptions: windowShown,
		},
	];
}
