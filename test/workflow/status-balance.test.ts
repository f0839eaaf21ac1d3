import type { INodeParameters } from 'n8n-workflow';

import { EsmsSimulator } from '../../simulator/src';
import { getVoiceJson } from '../../simulator/test/helpers';
import { API_KEY, KEYS_QS, SECRET_KEY, deepText, runEsms, useSimulator } from './setup';

const h = useSimulator({ callDelayMs: 30 });
const STATUS = 'GetSendStatus' as const;
const statusParams: INodeParameters = { resource: 'call', operation: 'getStatus', referenceId: '={{ $json.id }}' };

/** Places a call directly on the simulator; returns its SMSID. */
async function placeCall(sim: EsmsSimulator, phone: string): Promise<string> {
	const answer = (await getVoiceJson(sim, 'MakeCallRecord_V2', {
		ApiKey: API_KEY,
		SecretKey: SECRET_KEY,
		TemplateId: '1001',
		Phone: phone,
	})) as { SMSID: string };
	return answer.SMSID;
}

describe('Get Status (GetSendStatus)', () => {
	test('pending call', async () => {
		// A simulator whose calls stay pending for the whole test
		const slowSim = new EsmsSimulator({ callDelayMs: 60_000 });
		await slowSim.start();
		let run: Awaited<ReturnType<typeof runEsms>>;
		let id: string;
		try {
			id = await placeCall(slowSim, '0912345678');
			run = await runEsms(statusParams, { items: [{ id }], simulator: slowSim });
			expect(slowSim.requestsTo(STATUS).map((r) => r.rawQuery)).toEqual([`${KEYS_QS}&ReferenceId=${id}`]);
		} finally {
			await slowSim.stop();
		}
		const { items, error } = run;
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: {
					kind: 'call',
					referenceId: id,
					answered: false,
					callStatus: 'unknown',
					callStatusRaw: '',
					durationSeconds: 0,
					keyPressed: null,
					price: null,
					sentResult: false,
					callerId: null,
					sendStatus: 2,
					sendStatusLabel: 'Waiting',
					final: false,
					raw: { CallDuration: 0, CallStatus: '', CodeResponse: '100', Ivr: '', ReferenceId: id, SendStatus: 2, SentResult: 0 },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('final, ANSWERED with a key press', async () => {
		h.sim.setOutcome('0912345671', { callStatus: 'ANSWERED', ivr: '1', duration: 27 });
		const id = await placeCall(h.sim, '0912345671');
		await h.sim.waitForIdle();
		const { json } = await runEsms(statusParams, { items: [{ id }] });
		expect(json).toEqual([
			{
				kind: 'call',
				referenceId: id,
				answered: true,
				callStatus: 'answered',
				callStatusRaw: 'ANSWERED',
				durationSeconds: 27,
				keyPressed: '1',
				price: null,
				sentResult: true,
				callerId: null,
				sendStatus: 5,
				sendStatusLabel: 'Finished',
				final: true,
				raw: { CallDuration: 27, CallStatus: 'ANSWERED', CodeResponse: '100', Ivr: '1', ReferenceId: id, SendStatus: 5, SentResult: 1 },
			},
		]);
	});

	test('final, no answer (GetSendStatus spells it NOANSWERED)', async () => {
		h.sim.setOutcome('0912345670', { callStatus: 'NO ANSWER' });
		const id = await placeCall(h.sim, '0912345670');
		await h.sim.waitForIdle();
		const { json } = await runEsms(statusParams, { items: [{ id }] });
		expect(json).toEqual([
			{
				kind: 'call',
				referenceId: id,
				answered: false,
				callStatus: 'noAnswer',
				callStatusRaw: 'NOANSWERED',
				durationSeconds: 0,
				keyPressed: null,
				price: null,
				sentResult: false,
				callerId: null,
				sendStatus: 5,
				sendStatusLabel: 'Finished',
				final: true,
				raw: { CallDuration: 0, CallStatus: 'NOANSWERED', CodeResponse: '100', Ivr: '', ReferenceId: id, SendStatus: 5, SentResult: 0 },
			},
		]);
	});

	test('numbers sent as strings are read the same', async () => {
		const stringSim = new EsmsSimulator({ callDelayMs: 5, numbersAsStrings: true, defaultOutcome: { callStatus: 'ANSWERED', ivr: '2', duration: 9 } });
		await stringSim.start();
		try {
			const id = await placeCall(stringSim, '0912345672');
			await stringSim.waitForIdle();
			const { json } = await runEsms(statusParams, { items: [{ id }], simulator: stringSim });
			expect(json).toEqual([
				{
					kind: 'call',
					referenceId: id,
					answered: true,
					callStatus: 'answered',
					callStatusRaw: 'ANSWERED',
					durationSeconds: 9,
					keyPressed: '2',
					price: null,
					sentResult: true,
					callerId: null,
					sendStatus: 5,
					sendStatusLabel: 'Finished',
					final: true,
					raw: { CallDuration: '9', CallStatus: 'ANSWERED', CodeResponse: '100', Ivr: '2', ReferenceId: id, SendStatus: '5', SentResult: '1' },
				},
			]);
		} finally {
			await stringSim.stop();
		}
	});

	test('105 (not found): error; with Continue On Fail only that item fails', async () => {
		const failed = await runEsms(statusParams, { items: [{ id: 'no-such-call' }] });
		expect([failed.error?.message, failed.error?.description]).toEqual([
			'eSMS error 105: Call or message ID not found',
			'Check the ID (the referenceId returned when the call or voice OTP was sent) and its kind in Get Status. One sent seconds ago may not be queryable yet: wait and try again.',
		]);
		expect([failed.error?.name, failed.nodeError?.name]).toEqual(['NodeApiError', 'NodeApiError']);

		const id = await placeCall(h.sim, '0912345678');
		await h.sim.waitForIdle();
		const { items } = await runEsms(statusParams, {
			items: [{ id: 'no-such-call' }, { id }],
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(items?.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items?.[0].json).toEqual({
			error: 'eSMS error 105: Call or message ID not found',
			description:
				'Check the ID (the referenceId returned when the call or voice OTP was sent) and its kind in Get Status. One sent seconds ago may not be queryable yet: wait and try again.',
		});
		expect(items?.[1].json).toMatchObject({ referenceId: id, sendStatus: 5, final: true, answered: true });
	});

	test('version 1.1 (a sweep over many calls): 105 is an item "not found yet", not a failure; found items say found: true', async () => {
		const id = await placeCall(h.sim, '0912345678');
		await h.sim.waitForIdle();
		const otpId = 'd8e0f1f0702544b2acb456ca9ccfd111250';
		const run = await runEsms(statusParams, { items: [{ id: 'no-such-call' }, { id }, { id: otpId }], nodeExtra: { typeVersion: 1.1 } });
		expect(run.error).toBeUndefined();
		const message =
			'eSMS does not know this ID yet (code 105). A call placed moments ago may not be known yet: ask again later. If it stays unknown, check the ID.';
		expect(run.items).toEqual([
			{ json: { kind: 'call', referenceId: 'no-such-call', found: false, final: false, code: '105', message }, pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ kind: 'call', referenceId: id, found: true, final: true, answered: true }), pairedItem: { item: 1 } },
			{ json: { kind: 'voiceOtp', referenceId: otpId, found: false, final: false, code: '105', message }, pairedItem: { item: 2 } },
		]);
		expect(Object.keys(run.json[1])).toEqual([
			'kind', 'referenceId', 'answered', 'callStatus', 'callStatusRaw', 'durationSeconds', 'keyPressed', 'price', 'sentResult',
			'callerId', 'sendStatus', 'sendStatusLabel', 'final', 'found', 'raw',
		]);
		expect(h.sim.requests.filter((r) => r.endpoint === STATUS).map((r) => `${r.host} ${r.rawQuery}`)).toEqual([
			`voice ${KEYS_QS}&ReferenceId=no-such-call`,
			`voice ${KEYS_QS}&ReferenceId=${id}`,
			`rest ${KEYS_QS}&RefId=${otpId}`,
		]);
		// Chosen explicitly, version 1.1 fails like version 1.
		const failed = await runEsms({ ...statusParams, notFoundYet: 'error' }, { items: [{ id: 'no-such-call' }], nodeExtra: { typeVersion: 1.1 } });
		expect(failed.error?.message).toBe('eSMS error 105: Call or message ID not found');
	});

	test('an empty reference ID is refused before sending', async () => {
		const { error } = await runEsms(statusParams, { items: [{}] });
		expect([error?.message, error?.description]).toEqual([
			'Item 1, field "Reference ID": is empty',
			'Expected the referenceId returned by Make Call or Send Voice OTP.',
		]);
		expect(h.sim.requests).toHaveLength(0);
	});
});

describe('Get Balance (GetBalance_json)', () => {
	const balanceParams: INodeParameters = { resource: 'account', operation: 'getBalance' };

	test('exact body and output; a finished call is charged', async () => {
		await placeCall(h.sim, '0912345678');
		await h.sim.waitForIdle();
		const { items, error } = await runEsms(balanceParams);
		expect(error).toBeUndefined();
		const requests = h.sim.requestsTo('GetBalance_json');
		expect(requests.map((r) => [r.method, r.host, r.rawQuery, r.body])).toEqual([
			['POST', 'rest', '', { ApiKey: API_KEY, SecretKey: SECRET_KEY }],
		]);
		expect(items).toEqual([
			{ json: { balance: 999500, userId: 9999, raw: { Balance: 999500, CodeResponse: '100', UserID: 9999 } }, pairedItem: { item: 0 } },
		]);
	});

	test('wrong keys → 101, and the wrong key is not echoed', async () => {
		const run = await runEsms(balanceParams, { credentials: { secretKey: 'WRONG-SECRET-0002' } });
		expect([run.error?.message, run.error?.description]).toEqual([
			'eSMS error 101: Wrong ApiKey or SecretKey',
			'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.',
		]);
		expect(h.sim.requestsTo('GetBalance_json')[0].body).toEqual({ ApiKey: API_KEY, SecretKey: 'WRONG-SECRET-0002' });
		expect(deepText([run.error, run.logs, run.result.run.data.resultData])).not.toContain('WRONG-SECRET-0002');
	});
});
