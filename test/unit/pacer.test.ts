import { deliveryKey, parseEsmsCallback } from '../../nodes/shared/callback';
import { RequestPacer } from '../../nodes/EsmsVoice/transport/pacer';
import { OTP_ID_PATTERN } from '../../nodes/shared/wire';
import { statusKind } from '../../nodes/EsmsVoice/actions/call/getStatus.operation';

describe('RequestPacer', () => {
	test('0 = unpaced until a 160; then the pace is what eSMS accepted in the last second, recovering slowly', async () => {
		let now = 10_000;
		const pacer = new RequestPacer(0, () => now);
		expect(pacer.currentPace).toBe(Infinity);
		for (let i = 0; i < 20; i++) {
			await pacer.wait();
			pacer.accepted();
			now += 10;
		}
		pacer.limited();
		expect(pacer.currentPace).toBe(20);
		pacer.accepted();
		expect(pacer.currentPace).toBeCloseTo(20 + 0.2 / 20, 10);
		// 1.2 s later only the last accepted request is still inside the window.
		now += 1200;
		pacer.limited();
		expect(pacer.currentPace).toBe(1);
	});

	test('a ceiling is never exceeded, and never lowered below 1 request/s', () => {
		let now = 0;
		const pacer = new RequestPacer(5, () => now);
		expect(pacer.currentPace).toBe(5);
		for (let i = 0; i < 50; i++) pacer.accepted();
		expect(pacer.currentPace).toBe(5);
		now = 5000;
		pacer.limited();
		expect(pacer.currentPace).toBe(1);
	});
});

describe('IDs', () => {
	test('delivery keys ignore letter case; a voice OTP has its own namespace', () => {
		const call = parseEsmsCallback('/h?ReferenceId=ABC-1&SendStatus=5').result!;
		expect(deliveryKey(call)).toBe('abc-1|5');
		const otp = parseEsmsCallback('/h?smsid=D8E0F1F0702544B2ACB456CA9CCFD111250&sendstatus=5&SendSuccess=1').otp!;
		expect(deliveryKey(otp)).toBe('otp|d8e0f1f0702544b2acb456ca9ccfd111250|5');
		expect(otp).toMatchObject({ kind: 'voiceOtp', delivered: true, sendStatus: 5, final: true });
	});

	test('Get Status auto-detection: 32+ hex digits without dashes = voice OTP; an explicit choice wins', () => {
		expect(statusKind('auto', 'd8e0f1f0702544b2acb456ca9ccfd111250')).toBe('voiceOtp');
		expect(statusKind('auto', 'D8E0F1F0702544B2ACB456CA9CCFD111')).toBe('voiceOtp');
		expect(statusKind('auto', '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10')).toBe('call');
		// The docs' four-group SMSID sample is still a call ID.
		expect(statusKind('auto', '8eb2af6d-4e1c-4c5b-9a1e')).toBe('call');
		expect(statusKind('auto', 'abc123')).toBe('call');
		expect(statusKind('call', 'd8e0f1f0702544b2acb456ca9ccfd111250')).toBe('call');
		expect(statusKind('voiceOtp', '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10')).toBe('voiceOtp');
		expect(OTP_ID_PATTERN.test('d8e0f1f0702544b2acb456ca9ccfd11')).toBe(false);
	});
});
