/**
 * eSMS Voice Trigger `webhook()` over real HTTP, through n8n-core's WebhookContext: the callback
 * spellings gateways really send, the filters and the bad requests.
 */
import type { INodeParameters } from 'n8n-workflow';

import { DOCS_SAMPLE, ISO, rawGet, startTrigger, type TriggerServer } from './trigger-server';

const PATH = '/webhook/esms-voice';
const STARTED = { received: true, started: true };
const MISSING = { error: 'Not an eSMS callback: it has neither ReferenceId (call) nor SMSID (voice OTP)' };

/** A full final callback; override fields with `extra` (raw query text, appended in order). */
const final = (fields: Record<string, string> = {}): string => {
	const base: Record<string, string> = {
		ReferenceId: 'ref-1',
		CallDuration: '13',
		CallStatus: 'ANSWERED',
		Ivr: '1',
		Price: '500.0000',
		SentResult: '1',
		CID: '02871002454',
		SendStatus: '5',
		...fields,
	};
	return Object.entries(base)
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
};

async function hit(params: INodeParameters, path: string): Promise<{ server: TriggerServer; status: number; json: unknown }> {
	const server = await startTrigger({ params });
	const answer = await rawGet(server.port, path);
	return { server, status: answer.status, json: answer.json };
}

/** The single item a request started (fails unless exactly one execution with one item). */
async function itemFor(path: string, params: INodeParameters = {}): Promise<Record<string, unknown>> {
	const { server, status, json } = await hit(params, path);
	expect({ status, json }).toEqual({ status: 200, json: STARTED });
	expect(server.executions).toHaveLength(1);
	expect(server.executions[0].items).toHaveLength(1);
	return server.executions[0].items[0].json;
}

describe('callback spellings', () => {
	test("the docs' sample callback gives the exact item", async () => {
		const item = await itemFor(`${PATH}?${DOCS_SAMPLE}`);
		const { receivedAt, ...rest } = item;
		expect(receivedAt).toMatch(ISO);
		expect(Math.abs(Date.parse(receivedAt as string) - Date.now())).toBeLessThan(10_000);
		expect(rest).toEqual({
			kind: 'call',
			referenceId: '066107ee-6ec4-4283-b595-aa74977c65c5',
			answered: false,
			callStatus: 'unknown',
			callStatusRaw: '',
			durationSeconds: 0,
			keyPressed: null,
			price: 0,
			sentResult: false,
			callerId: '02871002454',
			sendStatus: 5,
			sendStatusLabel: 'Finished',
			final: true,
			raw: {
				ReferenceId: '066107ee-6ec4-4283-b595-aa74977c65c5',
				CallDuration: '0',
				CallStatus: '',
				Ivr: '',
				Price: '0.0000',
				SentResult: '0',
				CID: '02871002454',
				SendStatus: '5',
			},
		});
		expect(Object.keys(rest)).toEqual([
			'kind', 'referenceId', 'answered', 'callStatus', 'callStatusRaw', 'durationSeconds', 'keyPressed',
			'price', 'sentResult', 'callerId', 'sendStatus', 'sendStatusLabel', 'final', 'raw',
		]);
	});

	test('ANSWERED with Ivr=1', async () => {
		const item = await itemFor(`${PATH}?${final()}`);
		expect(item).toMatchObject({
			referenceId: 'ref-1',
			answered: true,
			callStatus: 'answered',
			callStatusRaw: 'ANSWERED',
			durationSeconds: 13,
			keyPressed: '1',
			price: 500,
			sentResult: true,
			callerId: '02871002454',
			sendStatus: 5,
			final: true,
		});
	});

	test.each([['NO+ANSWER'], ['NO%20ANSWER'], ['no+answer'], ['NO++ANSWER']])('%s is "noAnswer"', async (spelling) => {
		const item = await itemFor(`${PATH}?${final({ CallStatus: spelling, Ivr: '', CallDuration: '0' })}`);
		expect(item).toMatchObject({ answered: false, callStatus: 'noAnswer', keyPressed: null, durationSeconds: 0 });
		expect(item.callStatusRaw).toBe(spelling === 'NO++ANSWER' ? 'NO  ANSWER' : spelling === 'no+answer' ? 'no answer' : 'NO ANSWER');
	});

	test('NOANSWERED (GetSendStatus spelling) is "noAnswer"', async () => {
		const item = await itemFor(`${PATH}?${final({ CallStatus: 'NOANSWERED' })}`);
		expect(item).toMatchObject({ answered: false, callStatus: 'noAnswer', callStatusRaw: 'NOANSWERED' });
	});

	test('+ and %20 decode to spaces in every value, %2B to a plus', async () => {
		const item = await itemFor(`${PATH}?${final({ ReferenceId: 'ref+one%20two', CID: '%2B84+28', Price: '+500.5000' })}`);
		expect(item).toMatchObject({ referenceId: 'ref one two', callerId: '+84 28', price: 500.5 });
		expect(item.raw).toMatchObject({ ReferenceId: 'ref one two', CID: '+84 28', Price: ' 500.5000' });
	});

	test('empty values', async () => {
		const item = await itemFor(`${PATH}?ReferenceId=r-empty&CallDuration=&CallStatus=&Ivr=&Price=&SentResult=&CID=&SendStatus=5`);
		expect(item).toMatchObject({
			referenceId: 'r-empty', answered: false, callStatus: 'unknown', callStatusRaw: '', durationSeconds: 0,
			keyPressed: null, price: null, sentResult: false, callerId: null, sendStatus: 5, final: true,
		});
		const noStatus = await itemFor(`${PATH}?ReferenceId=r-empty&SendStatus=`, { onlyFinal: false });
		// An empty (or absent) SendStatus is the 2023 callback form: a final result.
		expect(noStatus).toMatchObject({ sendStatus: null, sendStatusLabel: 'Not reported', final: true });
		expect(noStatus.raw).toEqual({ ReferenceId: 'r-empty', SendStatus: '' });
	});

	test('a stray second "?" (gateway appended with "?" to a URL that had a query)', async () => {
		const item = await itemFor(`${PATH}?token=abc?${final({ ReferenceId: 'stray' })}`);
		expect(item).toMatchObject({ referenceId: 'stray', answered: true, keyPressed: '1', sendStatus: 5 });
		expect(item.raw).toMatchObject({ token: 'abc', ReferenceId: 'stray' });
	});

	test('the empty placeholders of the sample URL, filled in later', async () => {
		const placeholders = 'ReferenceId=&CallDuration=&CallStatus=&Ivr=&Price=&SentResult=&CID=&SendStatus=';
		const item = await itemFor(`${PATH}?${placeholders}&${final({ ReferenceId: 'real', CallDuration: '12', Ivr: '2' })}`);
		expect(item).toMatchObject({
			referenceId: 'real', durationSeconds: 12, callStatus: 'answered', keyPressed: '2', price: 500, sendStatus: 5,
		});
		// And a trailing empty placeholder does not erase a value already read.
		const reversed = await itemFor(`${PATH}?${final({ ReferenceId: 'first' })}&${placeholders}`);
		expect(reversed).toMatchObject({ referenceId: 'first', callStatus: 'answered', sendStatus: 5 });
	});

	test('unknown parameters are kept in raw', async () => {
		const item = await itemFor(`${PATH}?utm_source=x&${final()}&Extra=hello+world&flag`);
		expect(item.raw).toEqual({
			utm_source: 'x', ReferenceId: 'ref-1', CallDuration: '13', CallStatus: 'ANSWERED', Ivr: '1',
			Price: '500.0000', SentResult: '1', CID: '02871002454', SendStatus: '5', Extra: 'hello world', flag: '',
		});
	});

	test('lower-case parameter names', async () => {
		const item = await itemFor(`${PATH}?referenceid=low&callduration=7&callstatus=answered&ivr=3&price=500&sentresult=1&cid=028&sendstatus=5`);
		expect(item).toMatchObject({
			referenceId: 'low', durationSeconds: 7, answered: true, callStatus: 'answered', callStatusRaw: 'answered',
			keyPressed: '3', price: 500, sentResult: true, callerId: '028', sendStatus: 5,
		});
		expect(Object.keys(item.raw as object)).toEqual(['ReferenceId', 'CallDuration', 'CallStatus', 'Ivr', 'Price', 'SentResult', 'CID', 'SendStatus']);
	});

	test('malformed percent escapes are kept as sent; well-formed ones next to them are decoded', async () => {
		const item = await itemFor(`${PATH}?${final({ ReferenceId: 'bad%E0%A4%A', Ivr: '%zz', CID: '%41%zz', CallStatus: 'ANSWERED%' })}`);
		expect(item).toMatchObject({ referenceId: 'bad%E0%A4%A', keyPressed: '%zz', callerId: 'A%zz', callStatusRaw: 'ANSWERED%', callStatus: 'unknown' });
		const utf8 = await itemFor(`${PATH}?${final({ ReferenceId: 'vi%E1%BB%87t' })}`);
		expect(utf8.referenceId).toBe('việt');
	});
});

describe('filters', () => {
	test.each([['2', 'not a final result'], ['7', 'not a final result']])('Only Final (default): SendStatus %s starts nothing, answers 200', async (sendStatus, reason) => {
		const { server, status, json } = await hit({}, `${PATH}?${final({ SendStatus: sendStatus })}`);
		expect({ status, json }).toEqual({ status: 200, json: { received: true, started: false, reason } });
		expect(server.executions).toHaveLength(0);
	});

	test('Only Final off: SendStatus 2 starts', async () => {
		const item = await itemFor(`${PATH}?${final({ SendStatus: '2', CallStatus: '' })}`, { onlyFinal: false });
		expect(item).toMatchObject({ sendStatus: 2, sendStatusLabel: 'Waiting', final: false });
		const seven = await itemFor(`${PATH}?${final({ SendStatus: '7' })}`, { onlyFinal: false });
		expect(seven).toMatchObject({ sendStatus: 7, sendStatusLabel: 'Sent, awaiting report', final: false });
	});

	test('Answered filter: only answered', async () => {
		const params = { options: { answerFilter: 'answered' } };
		const no = await hit(params, `${PATH}?${final({ CallStatus: 'NO+ANSWER' })}`);
		expect({ status: no.status, json: no.json }).toEqual({ status: 200, json: { received: true, started: false, reason: 'not answered' } });
		expect(no.server.executions).toHaveLength(0);
		expect((await itemFor(`${PATH}?${final()}`, params)).answered).toBe(true);
	});

	test('Answered filter: only not answered', async () => {
		const params = { options: { answerFilter: 'notAnswered' } };
		const yes = await hit(params, `${PATH}?${final()}`);
		expect({ status: yes.status, json: yes.json }).toEqual({ status: 200, json: { received: true, started: false, reason: 'answered' } });
		expect(yes.server.executions).toHaveLength(0);
		expect((await itemFor(`${PATH}?${final({ CallStatus: 'NO+ANSWER' })}`, params)).callStatus).toBe('noAnswer');
		expect((await itemFor(`${PATH}?${DOCS_SAMPLE}`, params)).callStatus).toBe('unknown');
	});

	test("Only These Keys Pressed '1,2'", async () => {
		const params = { options: { keysPressed: '1,2' } };
		expect((await itemFor(`${PATH}?${final({ Ivr: '1' })}`, params)).keyPressed).toBe('1');
		expect((await itemFor(`${PATH}?${final({ Ivr: '2' })}`, params)).keyPressed).toBe('2');
		for (const ivr of ['3', '', '12']) {
			const r = await hit(params, `${PATH}?${final({ Ivr: ivr })}`);
			expect({ ivr, status: r.status, json: r.json }).toEqual({
				ivr, status: 200, json: { received: true, started: false, reason: 'key pressed not in the list' },
			});
			expect(r.server.executions).toHaveLength(0);
		}
	});
});

describe('bad requests', () => {
	test.each([
		['no query', PATH],
		['empty query', `${PATH}?`],
		['no ReferenceId', `${PATH}?CallStatus=ANSWERED&SendStatus=5`],
		['empty ReferenceId', `${PATH}?ReferenceId=&CallStatus=ANSWERED&SendStatus=5`],
		['blank ReferenceId', `${PATH}?ReferenceId=+%20&SendStatus=5`],
		['only a fragment-like tail', `${PATH}?#ReferenceId=x`],
	])('%s → 400 JSON error, nothing started', async (_label, path) => {
		const { server, status, json } = await hit({}, path);
		expect({ status, json }).toEqual({ status: 400, json: MISSING });
		expect(server.executions).toHaveLength(0);
		expect(server.answers).toEqual([{ url: path, status: 400, body: MISSING }]);
	});
});
