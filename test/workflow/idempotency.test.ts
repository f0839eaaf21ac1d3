import { KEYS_QS, MAKE_CALL, acceptedCalls, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ALREADY = 'eSMS already accepted a call with this request ID in the last 24 hours; it was not placed again.';

/** The first try times out (0.2 s) although eSMS accepts the call (after 0.3 s); n8n retries the node after 0.3 s. */
const acceptedButTimedOut = () => h.sim.injectFault({ kind: 'latency', ms: 300, endpoint: MAKE_CALL, times: 1 });
const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 2, waitBetweenTries: 300 };
const ONE_SHOT = { networkRetries: 0, timeoutSeconds: 0.2 };

describe('n8n Retry On Fail after eSMS accepted the call', () => {
	test('with the automatic request ID: the second try gets 124 → alreadyPlaced, the person is called once', async () => {
		acceptedButTimedOut();
		const { items, error } = await runEsms(makeCallParams({ options: ONE_SHOT }), {
			items: [{ phone: '0912345678' }],
			nodeExtra: RETRY_ON_FAIL,
		});
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: { referenceId: null, alreadyPlaced: true, phone: '0912345678', requestId: rid(0), code: '124', message: ALREADY },
				pairedItem: { item: 0 },
			},
		]);
		const query = `${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`;
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.rawQuery, r.code])).toEqual([
			[query, '100'],
			[query, '124'],
		]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});

	test('a custom request ID protects the same way', async () => {
		acceptedButTimedOut();
		const { json } = await runEsms(makeCallParams({ options: ONE_SHOT, additionalFields: { requestId: '={{ $json.order }}' } }), {
			items: [{ phone: '0912345678', order: 'order-77' }],
			nodeExtra: RETRY_ON_FAIL,
		});
		expect(json).toEqual([{ referenceId: null, alreadyPlaced: true, phone: '0912345678', requestId: 'order-77', code: '124', message: ALREADY }]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});

	test('without any request ID the person is called twice (why the automatic ID is on by default)', async () => {
		acceptedButTimedOut();
		const { json } = await runEsms(makeCallParams({ options: { ...ONE_SHOT, autoRequestId: false } }), {
			items: [{ phone: '0912345678' }],
			nodeExtra: RETRY_ON_FAIL,
		});
		expect(json).toEqual([{ referenceId: expect.stringMatching(UUID), alreadyPlaced: false, phone: '0912345678', requestId: null, code: '100' }]);
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.query.RequestId, r.code])).toEqual([
			[undefined, '100'],
			[undefined, '100'],
		]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(2);
	});

	test('another item failing makes n8n retry the whole node: the placed item is not called again', async () => {
		h.sim.setOutcome('0911100140', { callStatus: 'ANSWERED', code: '140' });
		const { error, result } = await runEsms(makeCallParams({ options: { concurrency: 1 } }), {
			items: [{ phone: '0912345678' }, { phone: '0911100140' }],
			nodeExtra: { retryOnFail: true, maxTries: 2, waitBetweenTries: 1 },
		});
		expect(error?.message).toBe('eSMS error 140: The caller IP address is not whitelisted');
		expect(result.run.status).toBe('error');
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.query.Phone, r.query.RequestId, r.code])).toEqual([
			['0912345678', rid(0), '100'],
			['0911100140', rid(1), '140'],
			['0912345678', rid(0), '124'],
			['0911100140', rid(1), '140'],
		]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});
});

describe('re-running an execution', () => {
	test('the same workflow twice with the same execution ID → the second run outputs alreadyPlaced', async () => {
		const items = [{ phone: '0912345678' }, { phone: '0987654321' }];
		const first = await runEsms(makeCallParams(), { items });
		const second = await runEsms(makeCallParams(), { items });
		expect(first.json.map((j) => [j.alreadyPlaced, j.code, j.requestId])).toEqual([
			[false, '100', rid(0)],
			[false, '100', rid(1)],
		]);
		expect(second.items).toEqual([
			{ json: { referenceId: null, alreadyPlaced: true, phone: '0912345678', requestId: rid(0), code: '124', message: ALREADY }, pairedItem: { item: 0 } },
			{ json: { referenceId: null, alreadyPlaced: true, phone: '0987654321', requestId: rid(1), code: '124', message: ALREADY }, pairedItem: { item: 1 } },
		]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(2);
	});

	test('a new execution (or another node) places the call again', async () => {
		await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }] });
		const otherExecution = await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }], options: { executionId: 'exec-1002' } });
		const otherNode = await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }], nodeExtra: { id: 'another-node-id' } });
		expect(otherExecution.json[0]).toMatchObject({ alreadyPlaced: false, requestId: rid(0, 'exec-1002') });
		expect(otherNode.json[0]).toMatchObject({ alreadyPlaced: false, requestId: rid(0, 'exec-1001', 'another-node-id') });
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(3);
	});
});
