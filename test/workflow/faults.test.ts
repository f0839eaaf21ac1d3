import { createServer } from 'node:net';

import type { FaultKind } from '../../simulator/src';
import { EsmsSimulator } from '../../simulator/src';
import { KEYS_QS, MAKE_CALL, acceptedCalls, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const MAYBE_PLACED =
	'The call may or may not have been placed. It was not sent again because the request carried no request ID, so a repeat could call the person twice. Check the eSMS dashboard before running it again, and keep Options > "Automatic Request ID" on (or set a Request ID) so retries are safe.';
const triedText = (times: string) => `Tried ${times}. eSMS may be down or unreachable from this n8n server; try again later.`;

/** [fault, extra fault settings, the node's summary of it] */
const FAULTS: Array<[FaultKind, { ms?: number }, string]> = [
	['reset', {}, 'MakeCallRecord_V2: the connection to eSMS failed (ECONNRESET)'],
	['http500', {}, 'MakeCallRecord_V2: eSMS answered HTTP 500'],
	['http503', {}, 'MakeCallRecord_V2: eSMS answered HTTP 503'],
	['html', {}, 'MakeCallRecord_V2: eSMS answered with something that is not JSON (for example an HTML error page)'],
	['hang', {}, 'MakeCallRecord_V2: eSMS did not answer in time'],
	// eSMS answers, but only after the node gave up (timeout 1 s)
	['latency', { ms: 1400 }, 'MakeCallRecord_V2: eSMS did not answer in time'],
];

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error('waitFor: timed out');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const OPTIONS = { networkRetryDelayMs: 1, timeoutSeconds: 1 };

describe.each(FAULTS)('one %s fault on Make Call', (kind, extra, summary) => {
	test('with the automatic request ID: retried, exactly one call placed, normal output', async () => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: 1, ...extra });
		const { items, error } = await runEsms(makeCallParams({ options: OPTIONS }), { items: [{ phone: '0912345678' }] });
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: { referenceId: expect.stringMatching(UUID), alreadyPlaced: false, phone: '0912345678', requestId: rid(0), code: '100' },
				pairedItem: { item: 0 },
			},
		]);
		if (kind === 'latency') await waitFor(() => h.sim.requestsTo(MAKE_CALL).every((r) => r.code !== undefined));
		const query = `${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`;
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([query, query]);
		// the late answer to the first request is a duplicate: still one call
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.code)).toEqual(kind === 'latency' ? ['124', '100'] : [undefined, '100']);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});

	test('without a request ID: not retried, the error says the call may have been placed', async () => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: 1, ...extra });
		const { error, items } = await runEsms(makeCallParams({ options: { ...OPTIONS, autoRequestId: false } }), {
			items: [{ phone: '0912345678' }],
		});
		expect(items).toBeUndefined();
		expect([error?.name, error?.message, error?.description]).toEqual(['NodeApiError', summary, MAYBE_PLACED]);
		if (kind === 'latency') await waitFor(() => h.sim.requestsTo(MAKE_CALL)[0]?.code !== undefined);
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&Phone=0912345678&TemplateId=1001`]);
		// …and indeed, after a timeout eSMS did place it
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(kind === 'latency' ? 1 : 0);
	});
});

describe('persistent faults: a clear error after retries + 1 attempts', () => {
	test.each([
		['http500', 2, 'MakeCallRecord_V2: eSMS answered HTTP 500', '3 times'],
		['reset', 0, 'MakeCallRecord_V2: the connection to eSMS failed (ECONNRESET)', 'once'],
		['html', 4, 'MakeCallRecord_V2: eSMS answered with something that is not JSON (for example an HTML error page)', '5 times'],
		['hang', 1, 'MakeCallRecord_V2: eSMS did not answer in time', '2 times'],
	] as Array<[FaultKind, number, string, string]>)('%s with %i network retries', async (kind, retries, summary, times) => {
		h.sim.injectFault({ kind, endpoint: MAKE_CALL, times: Infinity });
		const { error } = await runEsms(
			makeCallParams({ options: { networkRetries: retries, networkRetryDelayMs: 1, timeoutSeconds: 0.25 } }),
			{ items: [{ phone: '0912345678' }] },
		);
		expect([error?.message, error?.description]).toEqual([summary, triedText(times)]);
		expect(h.sim.requestsTo(MAKE_CALL)).toHaveLength(retries + 1);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(0);
	});
});

describe('connection refused (nothing was sent)', () => {
	async function closedPort(): Promise<number> {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		await new Promise((resolve) => server.close(resolve));
		return port;
	}

	test('persistent: retried even without a request ID, then a clear error', async () => {
		const port = await closedPort();
		const { error } = await runEsms(makeCallParams({ options: { ...OPTIONS, autoRequestId: false } }), {
			items: [{ phone: '0912345678' }],
			credentials: { voiceBaseUrl: `http://127.0.0.1:${port}/voice/MainService.svc/json` },
		});
		expect([error?.message, error?.description]).toEqual([
			'MakeCallRecord_V2: the connection to eSMS failed (ECONNREFUSED)',
			triedText('3 times'),
		]);
	});

	test('eSMS comes up during the retries: the call goes through once, without a request ID', async () => {
		const port = await closedPort();
		const late = new EsmsSimulator({ port, callDelayMs: 5 });
		const starting = new Promise<void>((resolve, reject) => {
			setTimeout(() => late.start().then(resolve, reject), 60);
		});
		try {
			const { items, error } = await runEsms(
				makeCallParams({ options: { autoRequestId: false, networkRetries: 6, networkRetryDelayMs: 40, timeoutSeconds: 1 } }),
				{ items: [{ phone: '0912345678' }], credentials: { voiceBaseUrl: `http://127.0.0.1:${port}/voice/MainService.svc/json` } },
			);
			await starting;
			expect(error).toBeUndefined();
			expect(items?.[0].json).toEqual({
				referenceId: expect.stringMatching(UUID),
				alreadyPlaced: false,
				phone: '0912345678',
				requestId: null,
				code: '100',
			});
			expect(late.requestsTo(MAKE_CALL).map((r) => [r.rawQuery, r.code])).toEqual([
				[`${KEYS_QS}&Phone=0912345678&TemplateId=1001`, '100'],
			]);
		} finally {
			await starting.catch(() => undefined);
			await late.stop();
		}
	});
});

describe('other endpoints and answers', () => {
	test('read-only Get Balance is retried without a request ID', async () => {
		h.sim.injectFault({ kind: 'http503', endpoint: 'GetBalance_json', times: 2 });
		const { json } = await runEsms({ resource: 'account', operation: 'getBalance', options: OPTIONS });
		expect(json).toEqual([{ balance: 1000000, userId: 9999, raw: { Balance: 1000000, CodeResponse: '100', UserID: 9999 } }]);
		expect(h.sim.requestsTo('GetBalance_json')).toHaveLength(3);
	});

	test('Get Status: persistent reset → "Tried 3 times"', async () => {
		h.sim.injectFault({ kind: 'reset', endpoint: 'GetSendStatus', times: Infinity });
		const { error } = await runEsms({ resource: 'call', operation: 'getStatus', referenceId: 'abc', options: OPTIONS });
		expect([error?.message, error?.description]).toEqual([
			'GetSendStatus: the connection to eSMS failed (ECONNRESET)',
			triedText('3 times'),
		]);
		expect(h.sim.requestsTo('GetSendStatus')).toHaveLength(3);
	});

	test('Voice OTP (POST) with a request ID is retried once, one call', async () => {
		h.sim.injectFault({ kind: 'reset', endpoint: 'SendMultipleMessage_V4_post_json', times: 1 });
		const { json } = await runEsms(
			{ resource: 'call', operation: 'sendVoiceOtp', phone: '0912345678', content: 'OTP 1', options: OPTIONS },
			{ items: [{}] },
		);
		expect(json[0]).toMatchObject({ alreadyPlaced: false, code: '100', requestId: rid(0) });
		expect(h.sim.requestsTo('SendMultipleMessage_V4_post_json').map((r) => r.code)).toEqual([undefined, '100']);
	});

	test('HTTP 404 (wrong base URL): not retried, points at the credential', async () => {
		const { error } = await runEsms(makeCallParams({ options: OPTIONS }), {
			items: [{ phone: '0912345678' }],
			credentials: { voiceBaseUrl: `${h.sim.url}/wrong/MainService.svc/json` },
		});
		expect([error?.message, error?.description]).toEqual([
			'eSMS answered HTTP 404 to MakeCallRecord_V2',
			'Check the base URLs in the eSMS API credential (leave "Use Custom Base URLs" off to reach eSMS itself).',
		]);
		expect(h.sim.requests).toHaveLength(1);
	});

	test('Continue On Fail: a fault is an error item for its item only', async () => {
		h.sim.injectFault({ kind: 'http500', endpoint: MAKE_CALL, times: 1 });
		const { items } = await runEsms(makeCallParams({ options: { ...OPTIONS, autoRequestId: false, concurrency: 1 } }), {
			items: [{ phone: '0912345678' }, { phone: '0912345679' }],
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(items?.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items?.[0].json).toEqual({ error: 'MakeCallRecord_V2: eSMS answered HTTP 500', description: MAYBE_PLACED });
		expect(items?.[1].json).toMatchObject({ phone: '0912345679', code: '100' });
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(1);
	});
});
