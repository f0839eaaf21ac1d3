/**
 * Code 160 (over the account's requests per second: nothing was placed) in n8n's engine against a
 * simulator that enforces a per-account rate: the node waits and sends the same item again (same
 * RequestId), paces itself, and the campaign goes on; a 160 that never clears is an error.
 */
import { KEYS_QS, MAKE_CALL, acceptedCalls, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator({ rateLimitPerSecond: 5, callDelayMs: 60_000 });

const phones = (count: number) => Array.from({ length: count }, (_, i) => ({ phone: `09123400${String(i).padStart(2, '0')}` }));

describe('rate limit (code 160)', () => {
	test('defaults: over the limit every item is sent again until placed, once each, with the same RequestId', async () => {
		const { items, error } = await runEsms(makeCallParams(), { items: phones(12) });
		expect(error).toBeUndefined();
		expect(items?.map((i) => [i.json.code, i.json.phone, i.json.requestId])).toEqual(
			phones(12).map((p, i) => ['100', p.phone, rid(i)]),
		);
		expect(items?.map((i) => i.pairedItem)).toEqual(phones(12).map((_, i) => ({ item: i })));
		const requests = h.sim.requestsTo(MAKE_CALL);
		const limited = requests.filter((r) => r.code === '160');
		// Unpaced at first (Calls per Second 0), so the first burst is over the limit.
		expect(limited.length).toBeGreaterThan(0);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(12);
		// Each phone placed exactly once; every refused request was repeated word for word.
		const placed = requests.filter((r) => r.code === '100').map((r) => r.query.Phone);
		expect([...placed].sort()).toEqual(phones(12).map((p) => p.phone));
		for (const refused of limited) {
			expect(requests.filter((r) => r.code === '100' && r.rawQuery === refused.rawQuery)).toHaveLength(1);
		}
		const i = Number(limited[0].query.Phone.slice(-2));
		expect(limited[0].rawQuery).toBe(`${KEYS_QS}&Phone=${phones(12)[i].phone}&TemplateId=1001&RequestId=${rid(i)}`);
	});

	test('Calls per Second below the account limit: paced, never refused', async () => {
		const started = Date.now();
		// 3/s against a limit of 5/s: headroom for a loaded machine that delays some requests into the same second.
		const { items, error } = await runEsms(makeCallParams({ options: { callsPerSecond: 3 } }), { items: phones(9) });
		const elapsed = Date.now() - started;
		expect(error).toBeUndefined();
		expect(items?.map((i) => i.json.code)).toEqual(Array(9).fill('100'));
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.code)).toEqual(Array(9).fill('100'));
		// 9 starts 333 ms apart: at least 2.67 s.
		expect(elapsed).toBeGreaterThanOrEqual(2600);
		const times = h.sim.requestsTo(MAKE_CALL).map((r) => r.time);
		expect(times[8] - times[0]).toBeGreaterThanOrEqual(2550);
	});

	test('a 160 that never clears: error 160 after Rate Limit Retries, nothing placed; Continue On Fail keeps the others', async () => {
		h.sim.setOutcome('0912349999', { callStatus: 'ANSWERED', code: '160' });
		const { items, error } = await runEsms(makeCallParams({ options: { rateLimitRetries: 2 } }), {
			items: [{ phone: '0912340001' }, { phone: '0912349999' }],
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(items?.[1].json).toEqual({
			error: 'eSMS error 160: Too many requests per second for this account (nothing was placed)',
			description:
				'The node already waited and sent it again several times. Lower Options > Calls per Second, or ask eSMS support for a higher limit.',
		});
		expect(items?.[0].json.code).toBe('100');
		const refused = h.sim.requestsTo(MAKE_CALL).filter((r) => r.query.Phone === '0912349999');
		expect(refused.map((r) => [r.code, r.query.RequestId])).toEqual([
			['160', rid(1)],
			['160', rid(1)],
			['160', rid(1)],
		]);
	});

	test('Calls per Second and Rate Limit Retries are checked before anything is sent', async () => {
		const bad = await runEsms(makeCallParams({ options: { callsPerSecond: -1 } }), { items: phones(1) });
		expect([bad.error?.message, bad.error?.description]).toEqual([
			'Item 1, field "Calls per Second": -1 is not allowed',
			'Expected a whole number from 0 to 1000.',
		]);
		const worse = await runEsms(makeCallParams({ options: { rateLimitRetries: 2.5 } }), { items: phones(1) });
		expect([worse.error?.message, worse.error?.description]).toEqual([
			'Item 1, field "Rate Limit Retries": 2.5 is not allowed',
			'Expected a whole number from 0 to 20.',
		]);
		expect(h.sim.requests).toHaveLength(0);
	});
});
