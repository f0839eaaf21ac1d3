import type { RecordedRequest } from '../../simulator/src';
import { MAKE_CALL, acceptedCalls, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();
const LATENCY_MS = 50;

/** 25 distinct mobile numbers: 0912000100, 0912000101, … */
const PHONES = Array.from({ length: 25 }, (_, i) => `09120001${String(i).padStart(2, '0')}`);

/**
 * Most requests the simulator had open at once. Each request is held LATENCY_MS by the latency
 * fault, so every request that arrived less than LATENCY_MS before another one was still open
 * when that one arrived (a 5 ms margin absorbs timer rounding).
 */
function maxInFlight(requests: RecordedRequest[]): number {
	const times = requests.map((r) => r.time).sort((a, b) => a - b);
	let max = 0;
	for (let i = 0; i < times.length; i++) {
		const open = times.filter((t) => t <= times[i] && t > times[i] - (LATENCY_MS - 5)).length;
		max = Math.max(max, open);
	}
	return max;
}

describe('bulk: 25 items, concurrency 5, 50 ms latency at eSMS', () => {
	beforeEach(() => h.sim.injectFault({ kind: 'latency', ms: LATENCY_MS, endpoint: MAKE_CALL, times: Infinity }));

	test('output order and pairing follow the input; never more than 5 requests open', async () => {
		const { items, error } = await runEsms(makeCallParams({ options: { concurrency: 5 } }), { items: PHONES.map((phone) => ({ phone })) });
		expect(error).toBeUndefined();
		expect(items?.map((i) => [i.json.phone, i.json.requestId, i.json.code, i.pairedItem])).toEqual(
			PHONES.map((phone, i) => [phone, rid(i), '100', { item: i }]),
		);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(25);
		// every item's call was placed for that item's number
		for (const item of items ?? []) expect(h.sim.getCall(item.json.referenceId as string)?.phone).toBe(item.json.phone);
		const open = maxInFlight(h.sim.requestsTo(MAKE_CALL));
		expect(open).toBeLessThanOrEqual(5);
		// and the concurrency is really used
		expect(open).toBe(5);
	});

	test('the in-flight measure sees a higher concurrency (the check above can fail)', async () => {
		await runEsms(makeCallParams({ options: { concurrency: 10 } }), { items: PHONES.map((phone) => ({ phone })) });
		expect(maxInFlight(h.sim.requestsTo(MAKE_CALL))).toBe(10);
	});

	test('a failing item in the middle with Continue On Fail: still in order, only that item fails', async () => {
		h.sim.setOutcome(PHONES[12], { callStatus: 'ANSWERED', code: '99' });
		const { items, error } = await runEsms(makeCallParams({ options: { concurrency: 5 } }), {
			items: PHONES.map((phone) => ({ phone })),
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(items?.map((i) => i.pairedItem)).toEqual(PHONES.map((_, i) => ({ item: i })));
		expect(items?.map((i) => i.json.phone ?? i.json.error)).toEqual(
			PHONES.map((phone, i) => (i === 12 ? 'eSMS error 99: The phone number is blocked' : phone)),
		);
		expect(items?.[12].json).toEqual({
			error: 'eSMS error 99: The phone number is blocked',
			description: 'The number refused calls from your account or is on a block list; remove it from your list.',
		});
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(24);
		expect(maxInFlight(h.sim.requestsTo(MAKE_CALL))).toBeLessThanOrEqual(5);
	});

	test('a failing item without Continue On Fail stops further (paid) requests', async () => {
		h.sim.setOutcome(PHONES[2], { callStatus: 'ANSWERED', code: '103' });
		const { error } = await runEsms(makeCallParams({ options: { concurrency: 1 } }), { items: PHONES.map((phone) => ({ phone })) });
		expect(error?.message).toBe('eSMS error 103: Balance too low');
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.query.Phone)).toEqual(PHONES.slice(0, 3));
	});
});

test('a Concurrency that is not a number (bad expression) is a clear error and sends nothing', async () => {
	const { error } = await runEsms(makeCallParams({ options: { concurrency: '={{ "many" }}' } }), {
		items: PHONES.slice(4, 7).map((phone) => ({ phone })),
	});
	expect([error?.message, error?.description]).toEqual([
		'Item 1, field "Concurrency": "many" is not allowed',
		'Expected a whole number from 1 to 50.',
	]);
	expect(h.sim.requests).toHaveLength(0);
});

test.each([
	[{ timeoutSeconds: 0 }, 'Item 1, field "Timeout (Seconds)": 0 is not allowed', 'Expected a number above 0.'],
	[{ networkRetries: '={{ "x" }}' }, 'Item 1, field "Network Retries": "x" is not allowed', 'Expected a whole number from 0 to 10.'],
	[{ networkRetryDelayMs: -5 }, 'Item 1, field "Network Retry Delay (Ms)": -5 is not allowed', 'Expected a whole number of 0 or more.'],
])('node options are checked before anything is sent: %j', async (options, message, description) => {
	const { error } = await runEsms(makeCallParams({ options }), { items: [{ phone: PHONES[0] }] });
	expect([error?.message, error?.description]).toEqual([message, description]);
	expect(h.sim.requests).toHaveLength(0);
});
