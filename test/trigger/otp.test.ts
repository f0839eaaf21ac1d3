/**
 * The trigger and eSMS's other callback forms, through n8n-core's WebhookContext over HTTP: a voice
 * OTP's SMS-form callback (SMSID, SendSuccess, …, no ReferenceId), a call callback without
 * SendStatus (eSMS's 2023 page), the docs' placeholder style, and the JSON acknowledgement.
 */
import type { INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator, type SimulatorOptions } from '../../simulator/src';
import { answeredTriggerItem, deliveredOtpResult } from '../fixtures/call-result';
import { ISO, rawGet, startTrigger, type TriggerServer } from './trigger-server';

const PATH = '/webhook/esms-voice';
const STARTED = { received: true, started: true };
const OTP_ID = 'd8e0f1f0702544b2acb456ca9ccfd111250';

const otpQuery = (fields: Record<string, string> = {}): string =>
	new URLSearchParams({
		SMSID: OTP_ID,
		SendFailed: '0',
		SendStatus: '5',
		SendSuccess: '1',
		TotalPrice: '500',
		TotalReceiver: '1',
		TotalSent: '1',
		RequestId: 'otp-42',
		TypeId: '8',
		telcoid: '1',
		phonenumber: '0912345678',
		...fields,
	}).toString();

const OTP_ITEM = deliveredOtpResult(OTP_ID, { requestId: 'otp-42', phone: '0912345678', telcoId: '1', typeId: '8' });

const OTP_RAW = {
	SMSID: OTP_ID,
	SendFailed: '0',
	SendStatus: '5',
	SendSuccess: '1',
	TotalPrice: '500',
	TotalReceiver: '1',
	TotalSent: '1',
	RequestId: 'otp-42',
	TypeId: '8',
	telcoid: '1',
	phonenumber: '0912345678',
};

const sims: EsmsSimulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function startSim(options: SimulatorOptions = {}): Promise<EsmsSimulator> {
	const sim = new EsmsSimulator({ callDelayMs: 20, callbackRetryDelayMs: 5, ...options });
	await sim.start();
	sims.push(sim);
	return sim;
}

const items = (trigger: TriggerServer) => trigger.executions.map((e) => e.items.map((i) => i.json));

async function answersFor(params: INodeParameters, queries: string[]): Promise<{ trigger: TriggerServer; answers: unknown[] }> {
	const trigger = await startTrigger({ params });
	const answers: unknown[] = [];
	for (const query of queries) {
		const answer = await rawGet(trigger.port, `${PATH}?${query}`);
		answers.push([answer.status, answer.json]);
	}
	return { trigger, answers };
}

describe('voice OTP callbacks (SMS form)', () => {
	test('start one execution with an OTP-result item: kind voiceOtp, numbers as numbers, raw kept; JSON acknowledgement', async () => {
		const { trigger, answers } = await answersFor({}, [otpQuery()]);
		expect(answers).toEqual([[200, STARTED]]);
		const [[item]] = items(trigger);
		const { receivedAt, raw, ...rest } = item;
		expect(rest).toEqual(OTP_ITEM);
		expect(raw).toEqual(OTP_RAW);
		expect(receivedAt).toMatch(ISO);
	});

	test('a repeat (same SMSID in another case, same SendStatus) starts nothing; another status does', async () => {
		const { trigger, answers } = await answersFor({ onlyFinal: false }, [
			otpQuery(),
			otpQuery({ SMSID: ` ${OTP_ID.toUpperCase()} ` }),
			otpQuery({ SendStatus: '2', SendSuccess: '0' }),
		]);
		expect(answers).toEqual([
			[200, STARTED],
			[200, { received: true, started: false, reason: 'repeated delivery' }],
			[200, STARTED],
		]);
		expect(items(trigger).map(([i]) => [i.referenceId, i.sendStatus])).toEqual([
			[OTP_ID, 5],
			[OTP_ID, 2],
		]);
	});

	test('filters: Results For, Only Final Results, Answered (= delivered), keys pressed', async () => {
		const notDelivered = otpQuery({ SendSuccess: '0', SendFailed: '1', SMSID: `${OTP_ID}0` });
		const { trigger, answers } = await answersFor({ options: { resultKinds: 'calls' } }, [otpQuery()]);
		expect(answers).toEqual([[200, { received: true, started: false, reason: 'a voice OTP result' }]]);
		expect(trigger.executions).toHaveLength(0);

		const onlyOtp = await answersFor({ options: { resultKinds: 'voiceOtp' } }, [
			'ReferenceId=r-1&CallStatus=ANSWERED&SendStatus=5',
			otpQuery(),
		]);
		expect(onlyOtp.answers).toEqual([[200, { received: true, started: false, reason: 'a call result' }], [200, STARTED]]);

		const waiting = await answersFor({}, [otpQuery({ SendStatus: '2' })]);
		expect(waiting.answers).toEqual([[200, { received: true, started: false, reason: 'not a final result' }]]);

		const delivered = await answersFor({ options: { answerFilter: 'answered' } }, [notDelivered, otpQuery()]);
		expect(delivered.answers).toEqual([[200, { received: true, started: false, reason: 'not delivered' }], [200, STARTED]]);

		const failed = await answersFor({ options: { answerFilter: 'notAnswered' } }, [otpQuery(), notDelivered]);
		expect(failed.answers).toEqual([[200, { received: true, started: false, reason: 'delivered' }], [200, STARTED]]);
		expect(items(failed.trigger)[0][0]).toMatchObject({ delivered: false, sendFailed: 1, sendSuccess: 0 });

		const keys = await answersFor({ options: { keysPressed: '1' } }, [otpQuery()]);
		expect(keys.answers).toEqual([[200, { received: true, started: false, reason: 'a voice OTP has no key pressed' }]]);
	});

	test('the simulator: Send Voice OTP with the trigger as CallbackUrl → one OTP execution', async () => {
		const trigger = await startTrigger();
		const sim = await startSim({ intermediateCallbacks: true });
		const response = await fetch(`${sim.restBaseUrl}/SendMultipleMessage_V4_post_json`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				ApiKey: DEFAULT_API_KEY,
				SecretKey: DEFAULT_SECRET_KEY,
				Phone: '0912345678',
				Content: '1234',
				SmsType: '8',
				RequestId: 'otp-42',
				CallbackUrl: trigger.url,
			}),
		});
		const { SMSID } = (await response.json()) as { SMSID: string };
		await sim.waitForIdle(5000);
		expect(sim.callbacks.map((c) => [c.sendStatus, c.status])).toEqual([
			[2, 200],
			[7, 200],
			[5, 200],
		]);
		expect(items(trigger).map(([i]) => ({ ...i, receivedAt: 'x', raw: 'x' }))).toEqual([
			{ ...OTP_ITEM, referenceId: SMSID, receivedAt: 'x', raw: 'x' },
		]);
	});
});

describe('call callbacks without SendStatus, and the placeholder style', () => {
	test("no SendStatus (eSMS's 2023 page) is a final result: it starts, also with Only Final Results on", async () => {
		const { trigger, answers } = await answersFor({ onlyFinal: true }, [
			'ReferenceId=r-2023&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=02871002454',
		]);
		expect(answers).toEqual([[200, STARTED]]);
		expect(items(trigger)[0][0]).toMatchObject({ kind: 'call', referenceId: 'r-2023', sendStatus: null, sendStatusLabel: 'Not reported', final: true });
	});

	test('the simulator in the 2023 form and in the placeholder style: one execution each', async () => {
		for (const options of [{ omitSendStatus: true }, { callbackStyle: 'placeholders' as const }]) {
			const trigger = await startTrigger();
			const sim = await startSim(options);
			const base = options.omitSendStatus ? trigger.url : `${trigger.url}?ReferenceId=&CallDuration=&CallStatus=&Ivr=&Price=&SentResult=&CID=&SendStatus=`;
			const qs = new URLSearchParams({ ApiKey: DEFAULT_API_KEY, SecretKey: DEFAULT_SECRET_KEY, TemplateId: '1001', Phone: '0912345678', CallbackUrl: base });
			const { SMSID } = (await (await fetch(`${sim.voiceBaseUrl}/MakeCallRecord_V2?${qs.toString()}`)).json()) as { SMSID: string };
			await sim.waitForIdle(5000);
			const expected = answeredTriggerItem(SMSID);
			if (options.omitSendStatus) {
				const { raw, ...rest } = expected as { raw: Record<string, string> };
				const { SendStatus: _omitted, ...rawWithout } = raw;
				expect(items(trigger)).toEqual([[{ ...rest, sendStatus: null, sendStatusLabel: 'Not reported', raw: rawWithout }]]);
			} else {
				expect(sim.callbacks[0].url.startsWith(`${trigger.url}?ReferenceId=${SMSID}&CallDuration=13&`)).toBe(true);
				expect(items(trigger)).toEqual([[expected]]);
			}
		}
	});
});
