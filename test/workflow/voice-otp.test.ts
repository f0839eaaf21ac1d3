import type { INodeParameters } from 'n8n-workflow';

import { API_KEY, SECRET_KEY, rid, runEsms, useSimulator } from './setup';

// A voice OTP's SMSID as eSMS writes it: 32+ hex digits, no dashes (not a UUID).
const OTP_ID = /^[0-9a-f]{35}$/;
const OTP = 'SendMultipleMessage_V4_post_json' as const;
const h = useSimulator();

const otpParams = (overrides: INodeParameters = {}): INodeParameters => ({
	resource: 'call',
	operation: 'sendVoiceOtp',
	phone: '={{ $json.phone }}',
	content: '={{ "Mã OTP của bạn là " + $json.code }}',
	...overrides,
});

describe('Send Voice OTP (SendMultipleMessage_V4_post_json, SmsType 8)', () => {
	test('every field: exact JSON body and output', async () => {
		const { items, error } = await runEsms(
			otpParams({
				additionalFields: {
					unicode: true,
					sandbox: false,
					campaign: '  spring-2030  ',
					callbackUrl: 'https://n8n.example.com/webhook/otp?k=1',
					// 09:04:05 in Berlin (winter, UTC+1) = 08:04:05 UTC = 15:04:05 in Vietnam
					scheduleAt: '2030-01-02T09:04:05',
				},
			}),
			{ items: [{ phone: '+84 912 345 678', code: '123456' }], options: { timezone: 'Europe/Berlin' } },
		);
		expect(error).toBeUndefined();
		const requests = h.sim.requestsTo(OTP);
		expect(requests.map((r) => [r.method, r.host, r.rawQuery])).toEqual([['POST', 'rest', '']]);
		expect(requests[0].body).toEqual({
			ApiKey: API_KEY,
			SecretKey: SECRET_KEY,
			Phone: '0912345678',
			Content: 'Mã OTP của bạn là 123456',
			SmsType: '8',
			IsUnicode: '1',
			Sandbox: '0',
			campaignid: 'spring-2030',
			SendDate: '2030-01-02 15:04:05',
			CallbackUrl: 'https://n8n.example.com/webhook/otp?k=1',
			RequestId: rid(0),
		});
		expect(items).toEqual([
			{
				json: {
					referenceId: expect.stringMatching(OTP_ID),
					alreadyPlaced: false,
					phone: '0912345678',
					sandbox: false,
					scheduledFor: '2030-01-02 15:04:05',
					requestId: rid(0),
					code: '100',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(h.sim.getCall(items![0].json.referenceId as string)).toMatchObject({
			endpoint: OTP,
			content: 'Mã OTP của bạn là 123456',
			requestId: rid(0),
		});
	});

	test('minimal: IsUnicode and Sandbox "0", no optional fields; automatic request ID off', async () => {
		const { items } = await runEsms(otpParams({ content: 'Ma OTP 654321', options: { autoRequestId: false } }), {
			items: [{ phone: '0987654321' }],
		});
		expect(h.sim.requestsTo(OTP)[0].body).toEqual({
			ApiKey: API_KEY,
			SecretKey: SECRET_KEY,
			Phone: '0987654321',
			Content: 'Ma OTP 654321',
			SmsType: '8',
			IsUnicode: '0',
			Sandbox: '0',
		});
		expect(items?.[0].json).toEqual({
			referenceId: expect.stringMatching(OTP_ID),
			alreadyPlaced: false,
			phone: '0987654321',
			sandbox: false,
			requestId: null,
			code: '100',
		});
	});

	test('sandbox: accepted, nothing placed', async () => {
		const { items } = await runEsms(otpParams({ additionalFields: { sandbox: true } }), {
			items: [{ phone: '0912345678', code: '111111' }],
		});
		expect(h.sim.requestsTo(OTP)[0].body).toEqual({
			ApiKey: API_KEY,
			SecretKey: SECRET_KEY,
			Phone: '0912345678',
			Content: 'Mã OTP của bạn là 111111',
			SmsType: '8',
			IsUnicode: '0',
			Sandbox: '1',
			RequestId: rid(0),
		});
		expect(items?.[0].json).toEqual({
			referenceId: expect.stringMatching(OTP_ID),
			alreadyPlaced: false,
			phone: '0912345678',
			sandbox: true,
			requestId: rid(0),
			code: '100',
		});
		expect(h.sim.getCall(items![0].json.referenceId as string)).toBeUndefined();
	});

	test('empty content is refused before sending', async () => {
		const { error } = await runEsms(otpParams({ content: '={{ $json.text }}' }), { items: [{ phone: '0912345678', text: '  ' }] });
		expect([error?.message, error?.description]).toEqual(['Item 1, field "Content": is empty', 'Expected the text to read out.']);
		expect(h.sim.requests).toHaveLength(0);
	});

	test('118 (voice OTP not enabled) is an error', async () => {
		h.sim.setOutcome('0911111118', { callStatus: 'ANSWERED', code: '118' });
		const { error } = await runEsms(otpParams(), { items: [{ phone: '0911111118', code: '1' }] });
		expect([error?.message, error?.description]).toEqual([
			'eSMS error 118: Unsupported message type',
			'Voice OTP must be enabled for your account; ask eSMS support.',
		]);
	});
});
