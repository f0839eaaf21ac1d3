/**
 * HTTP 408 and 429 from a proxy or firewall in front of eSMS (eSMS itself answers 200 with a code):
 * passing, so handled like a 5xx. Sent again where a repeat cannot place a second call (read-only
 * requests, calls with a request ID); a call without a request ID is not sent again.
 */
import type { FaultKind } from '../../simulator/src';
import { API_KEY, KEYS_QS, MAKE_CALL, SECRET_KEY, acceptedCalls, deepText, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OPTIONS = { networkRetryDelayMs: 1, timeoutSeconds: 1 };
const MAYBE_PLACED =
	'The call may or may not have been placed. It was not sent again because the request carried no request ID, so a repeat could call the person twice. Check the eSMS dashboard before running it again, and keep Options > "Automatic Request ID" on (or set a Request ID) so retries are safe.';
const triedText = (times: string) => `Tried ${times}. eSMS may be down or unreachable from this n8n server; try again later.`;

/** Neither key, nor a URL carrying them, in anything the error holds (message, description, cause, stack). */
function expectNoKeys(error: unknown): void {
	const text = deepText(error);
	for (const secret of [API_KEY, SECRET_KEY, 'ApiKey=', 'SecretKey=']) expect(text).not.toContain(secret);
}

describe.each([
	['http408', 408],
	['http429', 429],
] as Array<[FaultKind, number]>)('%s from a proxy in front of eSMS', (kind, status) => {
	test('Make Call with the automatic request ID: sent again with the same request ID, one call placed', async () => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: 1 });
		const { items, error } = await runEsms(makeCallParams({ options: OPTIONS }), { items: [{ phone: '0912345678' }] });
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: { referenceId: expect.stringMatching(UUID), alreadyPlaced: false, phone: '0912345678', requestId: rid(0), code: '100' },
				pairedItem: { item: 0 },
			},
		]);
		const query = `${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`;
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.rawQuery, r.code])).toEqual([
			[query, undefined],
			[query, '100'],
		]);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});

	test('Make Call with a request ID, refused every time: retries + 1 requests, then a clear error', async () => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: Infinity });
		const { error } = await runEsms(makeCallParams({ options: { ...OPTIONS, networkRetries: 3 } }), { items: [{ phone: '0912345678' }] });
		expect([error?.name, error?.message, error?.description]).toEqual([
			'NodeApiError',
			`MakeCallRecord_V2: eSMS answered HTTP ${status}`,
			triedText('4 times'),
		]);
		expect(h.sim.requestsTo(MAKE_CALL)).toHaveLength(4);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(0);
		expectNoKeys(error);
	});

	test('Make Call without a request ID: not sent again, the error says the call may have been placed', async () => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: 1 });
		const { items, error } = await runEsms(makeCallParams({ options: { ...OPTIONS, autoRequestId: false } }), {
			items: [{ phone: '0912345678' }],
		});
		expect(items).toBeUndefined();
		expect([error?.name, error?.message, error?.description]).toEqual([
			'NodeApiError',
			`MakeCallRecord_V2: eSMS answered HTTP ${status}`,
			MAYBE_PLACED,
		]);
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0912345678&TemplateId=1001`]);
		expectNoKeys(error);
	});

	test('Get Balance (read-only, keys in the POST body): sent again, then the balance', async () => {
		h.sim.injectFault({ kind, endpoint: 'GetBalance_json', times: 2 });
		const { json, error } = await runEsms({ resource: 'account', operation: 'getBalance', options: OPTIONS });
		expect(error).toBeUndefined();
		expect(json).toEqual([{ balance: 1000000, userId: 9999, raw: { Balance: 1000000, CodeResponse: '100', UserID: 9999 } }]);
		expect(h.sim.requestsTo('GetBalance_json').map((r) => r.code)).toEqual([undefined, undefined, '100']);
	});

	test('Get Status (read-only, keys in the query string), refused every time: 3 requests, then a clear error', async () => {
		h.sim.injectFault({ kind, endpoint: 'GetSendStatus', times: Infinity });
		const { error } = await runEsms({ resource: 'call', operation: 'getStatus', referenceId: 'abc', options: OPTIONS });
		expect([error?.name, error?.message, error?.description]).toEqual([
			'NodeApiError',
			`GetSendStatus: eSMS answered HTTP ${status}`,
			triedText('3 times'),
		]);
		expect(h.sim.requestsTo('GetSendStatus').map((r) => r.rawQuery)).toEqual(Array(3).fill(`${KEYS_QS}&ReferenceId=abc`));
		expectNoKeys(error);
	});
});
