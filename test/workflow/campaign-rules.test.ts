/**
 * Calling Hours and the Do-Not-Call list in n8n-core's engine against the simulator: what eSMS
 * receives (exact query strings), what each item says, and that a skipped item costs nothing.
 * The clock is fixed with a spy on Date.now, which is where the node reads the time.
 */
import type { INodeParameters } from 'n8n-workflow';

import { EXECUTION_ID, KEYS_QS, MAKE_CALL, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();
const V11 = { nodeExtra: { typeVersion: 1.1 } };
const UUID = /^[0-9a-f-]{36}$/;
const EVERY_DAY = 'outside calling hours (08:00 to 17:00 Vietnam time, every day)';

/** Sunday 29 November 2026, 23:00 in Vietnam (16:00 UTC). */
const SUNDAY_23H = Date.parse('2026-11-29T16:00:00Z');
/** Monday 30 November 2026, 10:00 in Vietnam. */
const MONDAY_10H = Date.parse('2026-11-30T03:00:00Z');

let now = SUNDAY_23H;
beforeEach(() => {
	now = SUNDAY_23H;
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

const placed = (phone: string, extra: Record<string, unknown> = {}, item = 0) => ({
	referenceId: expect.stringMatching(UUID),
	alreadyPlaced: false,
	phone,
	...extra,
	requestId: rid(item),
	code: '100',
});

describe('Calling Hours (version 1.1: on by default for calls, 08:00 to 17:00 every day)', () => {
	test('at 23:00 Sunday the call is scheduled for 08:00 Monday, and the item says why', async () => {
		const run = await runEsms(makeCallParams(), { ...V11, items: [{ phone: '0912345678' }] });
		expect(run.error).toBeUndefined();
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&SendDate=2026%2F11%2F30%2008%3A00%3A00&RequestId=${rid(0)}`,
		]);
		expect(run.json).toEqual([placed('0912345678', { scheduledFor: '2026/11/30 08:00:00', scheduledBecause: EVERY_DAY })]);
	});

	test('inside the window the call goes now (no SendDate)', async () => {
		now = MONDAY_10H;
		const run = await runEsms(makeCallParams(), { ...V11, items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`]);
		expect(run.json).toEqual([placed('0912345678')]);
	});

	test('version 1 keeps calling at any time (workflows built before Calling Hours)', async () => {
		const run = await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`]);
		expect(run.json).toEqual([placed('0912345678')]);
	});

	test('Schedule At on a Saturday evening, window Monday to Friday 09:00-11:30 → Monday 09:00', async () => {
		const run = await runEsms(
			makeCallParams({
				callingHours: 'schedule',
				callingHoursStart: '09:00',
				callingHoursEnd: '11:30',
				callingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
				additionalFields: { scheduleAt: '2030-01-05T18:30:00+07:00' },
			}),
			{ ...V11, items: [{ phone: '0912345678' }] },
		);
		expect(h.sim.requestsTo(MAKE_CALL)[0].query.SendDate).toBe('2030/01/07 09:00:00');
		expect(run.json).toEqual([
			placed('0912345678', {
				scheduledFor: '2030/01/07 09:00:00',
				scheduledBecause: 'outside calling hours (09:00 to 11:30 Vietnam time, Monday to Friday)',
			}),
		]);
	});

	test('Schedule At inside the window is sent as it is', async () => {
		await runEsms(makeCallParams({ additionalFields: { scheduleAt: '2030-01-07T16:59:00+07:00' } }), { ...V11, items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL)[0].query.SendDate).toBe('2030/01/07 16:59:00');
	});

	test('"Skip Outside Hours": nothing is sent; the item says why and when calling opens', async () => {
		const run = await runEsms(makeCallParams({ callingHours: 'skip', callingDays: ['monday', 'wednesday', 'friday'] }), {
			...V11,
			items: [{ phone: '0912345678' }, { phone: '0987654321' }],
		});
		expect(h.sim.requests).toEqual([]);
		const reason = 'outside calling hours (08:00 to 17:00 Vietnam time, Monday, Wednesday, Friday)';
		expect(run.items).toEqual([
			{ json: { skipped: true, reason, phone: '0912345678', callableFrom: '2026/11/30 08:00:00' }, pairedItem: { item: 0 } },
			{ json: { skipped: true, reason, phone: '0987654321', callableFrom: '2026/11/30 08:00:00' }, pairedItem: { item: 1 } },
		]);
	});

	test('a call at 17:00 sharp is outside (the end is not part of the window); 24:00 means the end of the day', async () => {
		now = Date.parse('2026-11-30T10:00:00Z'); // Monday 17:00
		await runEsms(makeCallParams(), { ...V11, items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL)[0].query.SendDate).toBe('2026/12/01 08:00:00');
		h.sim.reset();
		await runEsms(makeCallParams({ callingHours: 'schedule', callingHoursEnd: '24:00' }), { ...V11, items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL)[0].query.SendDate).toBeUndefined();
	});

	test('Make Call From Template is scheduled the same way', async () => {
		const run = await runEsms(
			{ resource: 'call', operation: 'makeCallFromTemplate', phone: '={{ $json.phone }}', templateId: '2001', additionalFields: {} },
			{ ...V11, items: [{ phone: '0912345678' }] },
		);
		expect(h.sim.requestsTo('MakeCallTemplate_V2').map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=2001&SendDate=2026%2F11%2F30%2008%3A00%3A00&RequestId=${rid(0)}`,
		]);
		expect(run.json).toEqual([placed('0912345678', { scheduledFor: '2026/11/30 08:00:00', scheduledBecause: EVERY_DAY })]);
	});

	test('Send Voice OTP: off by default (a one-time code is transactional); when chosen, SendDate in the REST format', async () => {
		const otp: INodeParameters = { resource: 'call', operation: 'sendVoiceOtp', phone: '0912345678', content: 'Ma 123456', additionalFields: {} };
		await runEsms(otp, V11);
		const [first] = h.sim.requestsTo('SendMultipleMessage_V4_post_json');
		expect((first.body as Record<string, unknown>).SendDate).toBeUndefined();
		h.sim.reset();
		const run = await runEsms({ ...otp, callingHours: 'schedule' }, V11);
		const [second] = h.sim.requestsTo('SendMultipleMessage_V4_post_json');
		expect((second.body as Record<string, unknown>).SendDate).toBe('2026-11-30 08:00:00');
		expect(run.json[0]).toMatchObject({ phone: '0912345678', sandbox: false, scheduledFor: '2026-11-30 08:00:00', scheduledBecause: EVERY_DAY });
	});

	test.each([
		[{ callingHoursStart: '8am' }, 'Item 1, field "Calling Hours Start": "8am" is not a time', 'Expected a time of day such as 08:00 (24-hour clock, Vietnam time).'],
		[{ callingHoursStart: '24:00' }, 'Item 1, field "Calling Hours Start": "24:00" is not a time', 'Expected a time of day such as 08:00 (24-hour clock, Vietnam time).'],
		[
			{ callingHoursEnd: '17:60' },
			'Item 1, field "Calling Hours End": "17:60" is not a time',
			'Expected a time of day such as 08:00 (24-hour clock, Vietnam time), or 24:00 for the end of the day.',
		],
		[
			{ callingHoursStart: '17:00', callingHoursEnd: '08:00' },
			'Item 1, field "Calling Hours End": 08:00 is not after the start (17:00)',
			'Expected an end later than the start on the same day (a window cannot run past midnight).',
		],
		[{ callingDays: [] }, 'Item 1, field "Calling Days": has no day chosen', 'Expected at least one day of the week.'],
	])('a bad window %j is an error before any request', async (window, message, description) => {
		const run = await runEsms(makeCallParams({ callingHours: 'schedule', ...window }), { ...V11, items: [{ phone: '0912345678' }] });
		expect(run.nodeError?.message).toBe(message);
		expect(run.nodeError?.description).toBe(description);
		expect(h.sim.requests).toEqual([]);
	});
});

describe('Do-Not-Call list', () => {
	const items = ['0912345678', '0987654321', '0911111111', '0933333333'].map((phone) => ({ phone }));

	test('written with spaces, +84 and new lines: listed numbers are skipped with 0 requests, the rest are called', async () => {
		now = MONDAY_10H;
		const run = await runEsms(makeCallParams({ additionalFields: { doNotCall: '+84 912 345 678, 0987.654.321\n0911 111 111' } }), { ...V11, items });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0933333333&TemplateId=1001&RequestId=${rid(3)}`]);
		const skipped = (phone: string, item: number) => ({ json: { skipped: true, reason: 'on the do-not-call list', phone }, pairedItem: { item } });
		expect(run.items).toEqual([
			skipped('0912345678', 0),
			skipped('0987654321', 1),
			skipped('0911111111', 2),
			{ json: placed('0933333333', {}, 3), pairedItem: { item: 3 } },
		]);
	});

	test('numbers separated by spaces only, and an expression returning an array (numbers and text)', async () => {
		now = MONDAY_10H;
		await runEsms(makeCallParams({ additionalFields: { doNotCall: '0912345678 0987654321' } }), { ...V11, items });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.query.Phone)).toEqual(['0911111111', '0933333333']);
		h.sim.reset();
		await runEsms(makeCallParams({ additionalFields: { doNotCall: '={{ [84911111111, "+84 933 333 333"] }}' } }), { ...V11, items });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.query.Phone)).toEqual(['0912345678', '0987654321']);
	});

	test('numbers as a spreadsheet gives them (no leading 0): from an array of numbers and as written text', async () => {
		now = MONDAY_10H;
		await runEsms(makeCallParams({ additionalFields: { doNotCall: '={{ [912345678, 987654321] }}' } }), { ...V11, items });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.query.Phone)).toEqual(['0911111111', '0933333333']);
		h.sim.reset();
		const run = await runEsms(makeCallParams({ additionalFields: { doNotCall: '911111111\n933 333 333' } }), { ...V11, items: [...items, { phone: 911111111 }] });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.query.Phone)).toEqual(['0912345678', '0987654321']);
		expect(run.json.slice(2)).toEqual([
			{ skipped: true, reason: 'on the do-not-call list', phone: '0911111111' },
			{ skipped: true, reason: 'on the do-not-call list', phone: '0933333333' },
			{ skipped: true, reason: 'on the do-not-call list', phone: '0911111111' },
		]);
		const eightDigits = await runEsms(makeCallParams({ additionalFields: { doNotCall: '={{ [912345678, 12345678] }}' } }), { ...V11, items });
		expect(eightDigits.nodeError?.message).toBe('Item 1, field "Do-Not-Call List": entry 2 (12345678) is not a phone number');
	});

	test('version 1 has the list too; outside hours a listed number is still skipped, not scheduled', async () => {
		await runEsms(makeCallParams({ additionalFields: { doNotCall: '0912345678' } }), { items: items.slice(0, 2) });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0987654321&TemplateId=1001&RequestId=${rid(1)}`]);
		h.sim.reset();
		const run = await runEsms(makeCallParams({ additionalFields: { doNotCall: '0912345678' } }), { ...V11, items: items.slice(0, 1) });
		expect(h.sim.requests).toEqual([]);
		expect(run.json).toEqual([{ skipped: true, reason: 'on the do-not-call list', phone: '0912345678' }]);
	});

	test('an entry that is not a phone number is an error naming it, before any request', async () => {
		const run = await runEsms(makeCallParams({ additionalFields: { doNotCall: '0912345678, abc' } }), { ...V11, items });
		expect(run.nodeError?.message).toBe('Item 1, field "Do-Not-Call List": entry 2 ("abc") is not a phone number');
		expect(run.nodeError?.description).toBe(
			'Expected every entry to be a Vietnamese number such as 0912345678, 84912345678 or +84 912 345 678 (mobile: 10 digits starting with 0; landline: 11 digits starting with 02).',
		);
		expect(h.sim.requests).toEqual([]);
		const fromArray = await runEsms(makeCallParams({ additionalFields: { doNotCall: '={{ ["0912345678", { "phone": 1 }] }}' } }), { ...V11, items });
		expect(fromArray.nodeError?.message).toBe('Item 1, field "Do-Not-Call List": entry 2 ({"phone":1}) is not a phone number');
		expect(h.sim.requests).toEqual([]);
	});

	test('Send Voice OTP honours the list', async () => {
		const run = await runEsms(
			{ resource: 'call', operation: 'sendVoiceOtp', phone: '0912345678', content: 'Ma 123456', additionalFields: { doNotCall: '0912345678' } },
			V11,
		);
		expect(h.sim.requests).toEqual([]);
		expect(run.json).toEqual([{ skipped: true, reason: 'on the do-not-call list', phone: '0912345678' }]);
	});
});

test('a skipped item is not "placed before the failure": a retry of the failed execution decides again', async () => {
	now = MONDAY_10H;
	h.sim.setOutcome('0933333333', { callStatus: '', code: '103' });
	const run = await runEsms(makeCallParams({ additionalFields: { doNotCall: '0912345678' } }), {
		...V11,
		items: [{ phone: '0912345678' }, { phone: '0987654321' }, { phone: '0933333333' }],
		options: { executionId: EXECUTION_ID },
	});
	expect(run.nodeError?.description).toContain('Item 2 was placed before this error.');
});

test.each([
	[['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], 'Monday to Saturday'],
	[['tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], 'Tuesday to Sunday'],
	[['saturday', 'sunday'], 'Saturday, Sunday'],
	[['sunday', 'monday', 'tuesday'], 'Monday, Tuesday, Sunday'],
])('the days %j read "%s" in the reason', async (callingDays, text) => {
	now = Date.parse('2026-12-02T12:00:00Z'); // Wednesday 19:00: outside every window below
	const run = await runEsms(makeCallParams({ callingHours: 'skip', callingDays }), { ...V11, items: [{ phone: '0912345678' }] });
	expect(run.json[0].reason).toBe(`outside calling hours (08:00 to 17:00 Vietnam time, ${text})`);
});
