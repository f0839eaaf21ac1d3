/**
 * Get Status for a voice OTP: eSMS treats it as an SMS-type message, so its status is read on the
 * rest host (GetSendStatus?RefId=…), chosen by the Kind field or detected from the ID's format.
 */
import type { INodeParameters } from 'n8n-workflow';

import { EsmsSimulator } from '../../simulator/src';
import { deliveredOtpResult, deliveredOtpStatusRaw } from '../fixtures/call-result';
import { getVoiceJson, postRestJson } from '../../simulator/test/helpers';
import { API_KEY, KEYS_QS, SECRET_KEY, runEsms, useSimulator } from './setup';

const h = useSimulator({ callDelayMs: 30 });
const statusParams = (idKind?: string): INodeParameters => ({
	resource: 'call',
	operation: 'getStatus',
	referenceId: '={{ $json.id }}',
	...(idKind ? { idKind } : {}),
});
const KEYS = { ApiKey: API_KEY, SecretKey: SECRET_KEY };

async function sendOtp(sim: EsmsSimulator, phone = '0912345678'): Promise<string> {
	const answer = (await postRestJson(sim, 'SendMultipleMessage_V4_post_json', { ...KEYS, Phone: phone, Content: '1234', SmsType: '8' })) as {
		SMSID: string;
	};
	return answer.SMSID;
}

const restStatusQueries = (sim: EsmsSimulator) => sim.requests.filter((r) => r.host === 'rest' && r.endpoint === 'GetSendStatus').map((r) => r.rawQuery);
const voiceStatusQueries = (sim: EsmsSimulator) => sim.requestsTo('GetSendStatus').map((r) => r.rawQuery);

describe('Get Status of a voice OTP', () => {
	test('auto-detected from the ID (32+ hex digits): the rest host, RefId; the normalised OTP result', async () => {
		const id = await sendOtp(h.sim);
		await h.sim.waitForIdle();
		const { json, error } = await runEsms(statusParams(), { items: [{ id }] });
		expect(error).toBeUndefined();
		expect(restStatusQueries(h.sim)).toEqual([`${KEYS_QS}&RefId=${id}`]);
		expect(voiceStatusQueries(h.sim)).toEqual([]);
		expect(json).toEqual([{ ...deliveredOtpResult(id), raw: deliveredOtpStatusRaw(id) }]);
	});

	test('pending, numbers as strings, an ID in upper case with spaces: trimmed, found, read the same', async () => {
		const slow = new EsmsSimulator({ callDelayMs: 60_000, numbersAsStrings: true });
		await slow.start();
		try {
			const id = await sendOtp(slow);
			const { json } = await runEsms(statusParams(), { items: [{ id: `  ${id.toUpperCase()} ` }], simulator: slow });
			expect(restStatusQueries(slow)).toEqual([`${KEYS_QS}&RefId=${id.toUpperCase()}`]);
			expect(json?.[0]).toMatchObject({
				kind: 'voiceOtp',
				referenceId: id,
				delivered: false,
				sendSuccess: 0,
				sendFailed: 0,
				sendStatus: 2,
				sendStatusLabel: 'Waiting',
				final: false,
			});
		} finally {
			await slow.stop();
		}
	});

	test('Kind chosen explicitly wins over the format: "Call" for an OTP ID asks the voice host (105)', async () => {
		const id = await sendOtp(h.sim);
		const { error } = await runEsms(statusParams('call'), { items: [{ id }] });
		expect(voiceStatusQueries(h.sim)).toEqual([`${KEYS_QS}&ReferenceId=${id}`]);
		expect(error?.message).toBe('eSMS error 105: Call or message ID not found');
	});

	test('a call ID (UUID) is auto-detected as a call; "Voice OTP" forces the rest host', async () => {
		const call = (await getVoiceJson(h.sim, 'MakeCallRecord_V2', { ...KEYS, TemplateId: '1001', Phone: '0912345678' })) as { SMSID: string };
		await h.sim.waitForIdle();
		const auto = await runEsms(statusParams(), { items: [{ id: call.SMSID }] });
		expect(auto.json?.[0]).toMatchObject({ kind: 'call', referenceId: call.SMSID, answered: true, final: true });
		expect(voiceStatusQueries(h.sim)).toEqual([`${KEYS_QS}&ReferenceId=${call.SMSID}`]);
		const forced = await runEsms(statusParams('voiceOtp'), { items: [{ id: call.SMSID }] });
		expect(restStatusQueries(h.sim)).toEqual([`${KEYS_QS}&RefId=${call.SMSID}`]);
		expect(forced.error?.message).toBe('eSMS error 105: Call or message ID not found');
	});

	test('wrong keys: GetSendStatus answers CodeResult 101 (not CodeResponse) and the node reads it', async () => {
		const id = await sendOtp(h.sim);
		const { error } = await runEsms(statusParams(), { items: [{ id }], credentials: { apiKey: 'OTHER-API-KEY-9' } });
		expect([error?.message, error?.description]).toEqual([
			'eSMS error 101: Wrong ApiKey or SecretKey',
			'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.',
		]);
	});
});
