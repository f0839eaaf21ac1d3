import { EXECUTION_ID, KEYS_QS, MAKE_CALL, makeCallParams, rid, runEsms, useSimulator } from './setup';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const h = useSimulator();

describe('Make Call (MakeCallRecord_V2)', () => {
	test('minimal call: phone from an expression, normalised; automatic request ID', async () => {
		const { items, error } = await runEsms(makeCallParams(), { items: [{ phone: '+84 912 345 678' }] });
		expect(error).toBeUndefined();
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`,
		]);
		expect(rid(0)).toBe('n8n-27c52454c930fa9306bad4134904ae2d-0');
		expect(items).toEqual([
			{
				json: {
					referenceId: expect.stringMatching(UUID),
					alreadyPlaced: false,
					phone: '0912345678',
					requestId: 'n8n-27c52454c930fa9306bad4134904ae2d-0',
					code: '100',
				},
				pairedItem: { item: 0 },
			},
		]);
		const call = h.sim.getCall(items![0].json.referenceId as string);
		expect(call).toMatchObject({ endpoint: MAKE_CALL, phone: '0912345678', templateId: '1001', requestId: rid(0) });
	});

	test('every field: IVR key/forward/wait, retries, repeat, schedule (Berlin → Vietnam time), callback URL', async () => {
		const { items, error } = await runEsms(
			makeCallParams({
				recordingId: '={{ $json.recording }}',
				forwardOnKeyPress: true,
				ivrKey: '={{ $json.key }}',
				forwardTo: '={{ $json.agent }}',
				keyWaitSeconds: 15,
				additionalFields: {
					maxRetries: 2,
					retryIntervalSeconds: '={{ $json.wait }}',
					repeatCount: 3,
					// 08:30 summer time in Berlin (UTC+2) = 06:30 UTC = 13:30 in Vietnam
					scheduleAt: '2030-06-15T08:30:00',
					callbackUrl: 'https://n8n.example.com/webhook/esms-voice?tag=a b&x=1',
				},
			}),
			{
				items: [{ phone: '0912.345.678', recording: 1002, key: 3, agent: '+84 28 7100 2454', wait: '60' }],
				options: { timezone: 'Europe/Berlin' },
			},
		);
		expect(error).toBeUndefined();
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=1002&Ivr=3&NumberForward=02871002454&TimeWaitToIvr=15` +
				`&MaxRetry=2&WaitRetry=60&MaxRepeat=3&SendDate=2030%2F06%2F15%2013%3A30%3A00` +
				`&CallbackUrl=https%3A%2F%2Fn8n.example.com%2Fwebhook%2Fesms-voice%3Ftag%3Da%20b%26x%3D1` +
				`&RequestId=${rid(0)}`,
		]);
		expect(items).toEqual([
			{
				json: {
					referenceId: expect.stringMatching(UUID),
					alreadyPlaced: false,
					phone: '0912345678',
					scheduledFor: '2030/06/15 13:30:00',
					requestId: rid(0),
					code: '100',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(h.sim.getCall(items![0].json.referenceId as string)?.params).toEqual({
			Phone: '0912345678',
			TemplateId: '1002',
			Ivr: '3',
			NumberForward: '02871002454',
			TimeWaitToIvr: '15',
			MaxRetry: '2',
			WaitRetry: '60',
			MaxRepeat: '3',
			SendDate: '2030/06/15 13:30:00',
			CallbackUrl: 'https://n8n.example.com/webhook/esms-voice?tag=a b&x=1',
			RequestId: rid(0),
		});
	});

	test('IVR fields are not sent while "Forward on Key Press" is off', async () => {
		await runEsms(makeCallParams({ forwardOnKeyPress: false, ivrKey: '5', forwardTo: '02871002454' }), {
			items: [{ phone: '0912345678' }],
		});
		expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`);
	});

	test('zero counts are sent as 0', async () => {
		await runEsms(makeCallParams({ additionalFields: { maxRetries: 0, retryIntervalSeconds: 0, repeatCount: 0 } }), {
			items: [{ phone: '0912345678' }],
		});
		expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&MaxRetry=0&WaitRetry=0&MaxRepeat=0&RequestId=${rid(0)}`,
		);
	});

	test.each([
		['2030-01-02T03:04:05', 'Asia/Ho_Chi_Minh', '2030/01/02 03:04:05'],
		['2030-01-02T03:04:05', 'Europe/Berlin', '2030/01/02 09:04:05'],
		['2030-01-02T03:04:05Z', 'Europe/Berlin', '2030/01/02 10:04:05'],
		['2030-01-02T03:04:05+02:00', 'Europe/Berlin', '2030/01/02 08:04:05'],
		['2030-01-02T03:04:05+02:00', 'Asia/Ho_Chi_Minh', '2030/01/02 08:04:05'],
	])('schedule %s in a %s workflow → SendDate %s', async (scheduleAt, timezone, sendDate) => {
		const { items } = await runEsms(makeCallParams({ additionalFields: { scheduleAt } }), {
			items: [{ phone: '0912345678' }],
			options: { timezone },
		});
		expect(h.sim.requestsTo(MAKE_CALL)[0].query.SendDate).toBe(sendDate);
		expect(items?.[0].json.scheduledFor).toBe(sendDate);
	});

	test('schedule from a Luxon DateTime expression', async () => {
		const { items } = await runEsms(
			makeCallParams({ additionalFields: { scheduleAt: '={{ DateTime.fromISO("2031-05-06T07:08:09", { zone: "UTC" }) }}' } }),
			{ items: [{ phone: '0912345678' }], options: { timezone: 'Europe/Berlin' } },
		);
		expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&SendDate=2031%2F05%2F06%2014%3A08%3A09&RequestId=${rid(0)}`,
		);
		expect(items?.[0].json.scheduledFor).toBe('2031/05/06 14:08:09');
	});

	test('custom request ID from an expression', async () => {
		const { items } = await runEsms(makeCallParams({ additionalFields: { requestId: '={{ "order-" + $json.order }}' } }), {
			items: [{ phone: '0912345678', order: 42 }],
		});
		expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=order-42`);
		expect(items?.[0].json).toEqual({
			referenceId: expect.stringMatching(UUID),
			alreadyPlaced: false,
			phone: '0912345678',
			requestId: 'order-42',
			code: '100',
		});
	});

	test('automatic request ID off → no RequestId, requestId null', async () => {
		const { items } = await runEsms(makeCallParams({ options: { autoRequestId: false } }), { items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(`${KEYS_QS}&Phone=0912345678&TemplateId=1001`);
		expect(items?.[0].json).toEqual({
			referenceId: expect.stringMatching(UUID),
			alreadyPlaced: false,
			phone: '0912345678',
			requestId: null,
			code: '100',
		});
	});

	test('request IDs differ per item and per execution; pairing follows the items', async () => {
		const first = await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }, { phone: '84987654321' }] });
		const second = await runEsms(makeCallParams(), { items: [{ phone: '0912345678' }], options: { executionId: 'exec-2002' } });
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0)}`,
			`${KEYS_QS}&Phone=0987654321&TemplateId=1001&RequestId=${rid(1)}`,
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${rid(0, 'exec-2002')}`,
		]);
		expect(rid(0, 'exec-2002')).not.toBe(rid(0, EXECUTION_ID));
		expect(first.items?.map((i) => [i.json.phone, i.json.requestId, i.pairedItem])).toEqual([
			['0912345678', rid(0), { item: 0 }],
			['0987654321', rid(1), { item: 1 }],
		]);
		expect(second.json[0].alreadyPlaced).toBe(false);
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.code)).toEqual(['100', '100', '100']);
	});
	test('phones as spreadsheets deliver them (numbers without the 0): Phone and Forward To as eSMS needs them', async () => {
		const { items, error } = await runEsms(
			makeCallParams({ forwardOnKeyPress: true, ivrKey: '1', forwardTo: '={{ $json.agent }}' }),
			{ items: [{ phone: 912345678, agent: 2871002454 }, { phone: '387654321', agent: '2438251234' }] },
		);
		expect(error).toBeUndefined();
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=1001&Ivr=1&NumberForward=02871002454&TimeWaitToIvr=10&RequestId=${rid(0)}`,
			`${KEYS_QS}&Phone=0387654321&TemplateId=1001&Ivr=1&NumberForward=02438251234&TimeWaitToIvr=10&RequestId=${rid(1)}`,
		]);
		expect(items!.map((item) => item.json.phone)).toEqual(['0912345678', '0387654321']);
	});

	test.each([
		[12345678, 'Item 2, field "Phone": 12345678 is not a Vietnamese phone number'],
		[9123456789, 'Item 2, field "Phone": 9123456789 is not a Vietnamese phone number'],
	])('a spreadsheet number that is no phone (%j) is an error before any request', async (phone, message) => {
		const { nodeError } = await runEsms(makeCallParams(), { items: [{ phone: 912345678 }, { phone }] });
		expect(nodeError?.message).toBe(message);
		expect(h.sim.requests).toEqual([]);
	});
});
