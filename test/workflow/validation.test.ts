import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { makeCallParams, runEsms, useSimulator } from './setup';

const h = useSimulator();

const PHONE = 'Expected a Vietnamese number such as 0912345678, 84912345678 or +84 912 345 678 (mobile: 10 digits starting with 0; landline: 11 digits starting with 02).';
const WHOLE_0 = 'Expected a whole number of 0 or more.';
const URL = 'Expected an http:// or https:// URL, such as the production URL of an eSMS Voice Trigger.';
const FUTURE = 'Expected a date and time in the future, e.g. 2026-12-24T09:30:00 (the workflow time zone) or an ISO date with an offset.';

const template = (overrides: INodeParameters): INodeParameters => ({
	resource: 'call',
	operation: 'makeCallFromTemplate',
	phone: '={{ $json.phone }}',
	templateId: '2001',
	...overrides,
});
const forward = (overrides: INodeParameters) => makeCallParams({ forwardOnKeyPress: true, ivrKey: '1', forwardTo: '02871002454', ...overrides });
const V = '={{ $json.v }}';

interface Case {
	params: INodeParameters;
	/** json of the good items (a phone is added) */
	good: IDataObject;
	bad: IDataObject;
	/** The message after "Item <i>, " */
	message: string;
	description: string;
}

const CASES: Record<string, Case> = {
	'bad phone': { params: makeCallParams(), good: {}, bad: { phone: '12345' }, message: 'field "Phone": "12345" is not a Vietnamese phone number', description: PHONE },
	'phone with a letter': { params: makeCallParams(), good: {}, bad: { phone: '09l2345678' }, message: 'field "Phone": "09l2345678" is not a Vietnamese phone number', description: PHONE },
	'foreign phone': { params: makeCallParams(), good: {}, bad: { phone: '+1 555 123 4567' }, message: 'field "Phone": "+1 555 123 4567" is not a Vietnamese phone number', description: PHONE },
	'missing phone': { params: makeCallParams(), good: {}, bad: { phone: '' }, message: 'field "Phone": is empty', description: PHONE },
	'bad forward-to number': { params: forward({ forwardTo: V }), good: { v: '02871002454' }, bad: { v: '0287100245' }, message: 'field "Forward To": "0287100245" is not a Vietnamese phone number', description: PHONE },
	'IVR key 10 (expression)': { params: forward({ ivrKey: V }), good: { v: 1 }, bad: { v: 10 }, message: 'field "Key": 10 is not a phone key', description: 'Expected a single key from 0 to 9.' },
	'IVR key # (expression)': { params: forward({ ivrKey: V }), good: { v: '9' }, bad: { v: '#' }, message: 'field "Key": "#" is not a phone key', description: 'Expected a single key from 0 to 9.' },
	'key wait 0 s': { params: forward({ keyWaitSeconds: V }), good: { v: 5 }, bad: { v: 0 }, message: 'field "Seconds to Wait for Key": 0 is not allowed', description: 'Expected a whole number of 1 or more.' },
	'negative max retries': { params: makeCallParams({ additionalFields: { maxRetries: V } }), good: { v: 1 }, bad: { v: -1 }, message: 'field "Max Retries": -1 is not allowed', description: WHOLE_0 },
	'non-integer repeat': { params: makeCallParams({ additionalFields: { repeatCount: V } }), good: { v: 2 }, bad: { v: 1.5 }, message: 'field "Repeat Recording": 1.5 is not allowed', description: WHOLE_0 },
	'text seconds between retries': { params: makeCallParams({ additionalFields: { retryIntervalSeconds: V } }), good: { v: '30' }, bad: { v: 'soon' }, message: 'field "Seconds Between Retries": "soon" is not allowed', description: WHOLE_0 },
	'empty recording ID': { params: makeCallParams({ recordingId: V }), good: { v: '1001' }, bad: { v: ' ' }, message: 'field "Recording ID": is empty', description: 'Expected the ID of a recording uploaded on account.esms.vn.' },
	'request ID of 51 characters': { params: makeCallParams({ additionalFields: { requestId: V } }), good: { v: '' }, bad: { v: 'r'.repeat(51) }, message: 'field "Request ID": is 51 characters long', description: 'Expected at most 50 characters (eSMS rejects longer ones).' },
	'ftp callback URL': { params: makeCallParams({ additionalFields: { callbackUrl: V } }), good: { v: 'https://n8n.example.com/webhook/x' }, bad: { v: 'ftp://files.example.com/cb' }, message: 'field "Callback URL": is not an http(s) URL', description: URL },
	'javascript: callback URL': { params: makeCallParams({ additionalFields: { callbackUrl: V } }), good: { v: 'http://127.0.0.1:5678/webhook/x' }, bad: { v: 'javascript:alert(1)' }, message: 'field "Callback URL": is not an http(s) URL', description: URL },
	'callback "not a url"': { params: makeCallParams({ additionalFields: { callbackUrl: V } }), good: { v: 'https://n8n.example.com/webhook/x' }, bad: { v: 'not a url' }, message: 'field "Callback URL": is not an http(s) URL', description: URL },
	'past schedule': { params: makeCallParams({ additionalFields: { scheduleAt: V } }), good: { v: '2030-01-02T03:04:05' }, bad: { v: '2020-01-02T03:04:05' }, message: 'field "Schedule At": 2020/01/02 03:04:05 (Vietnam time) is in the past', description: FUTURE },
	'unparseable schedule': { params: makeCallParams({ additionalFields: { scheduleAt: V } }), good: { v: '2030-01-02T03:04:05Z' }, bad: { v: 'next tuesday' }, message: 'field "Schedule At": "next tuesday" is not a date', description: FUTURE },
	'30 February (with Z)': { params: makeCallParams({ additionalFields: { scheduleAt: V } }), good: { v: '2030-02-28T10:00:00Z' }, bad: { v: '2030-02-30T10:00:00Z' }, message: 'field "Schedule At": "2030-02-30T10:00:00Z" is not a date', description: FUTURE },
	'|| in a variable': { params: template({ variables: { variable: [{ value: 'An' }, { value: V }] } }), good: { v: 'B' }, bad: { v: 'B||C' }, message: 'field "Variables (value 2)": contains "||"', description: 'Expected text without "||" (eSMS uses it to separate the variables).' },
	'speed 4': { params: template({ additionalFields: { speed: V } }), good: { v: 3 }, bad: { v: 4 }, message: 'field "Speed": 4 is not allowed', description: 'Expected a whole number from -3 to 3.' },
};

const goodItem = (c: Case, phone: string): IDataObject => ({ phone, ...c.good });
const badItem = (c: Case): IDataObject => ({ phone: '0987654321', ...c.bad });
const accepted = () => h.sim.requests.filter((r) => r.code === '100').length;

describe.each(Object.entries(CASES))('%s', (_label, c) => {
	test('alone: exact error, nothing sent', async () => {
		const { error, nodeError } = await runEsms(c.params, { items: [badItem(c)] });
		expect([error?.name, error?.message, error?.description]).toEqual(['NodeOperationError', `Item 1, ${c.message}`, c.description]);
		expect(nodeError?.context.itemIndex).toBe(0);
		expect(h.sim.requests).toHaveLength(0);
	});

	test('3rd of 3: items 1-2 are not sent either', async () => {
		const { error } = await runEsms(c.params, { items: [goodItem(c, '0912345678'), goodItem(c, '0912345679'), badItem(c)] });
		expect([error?.message, error?.description]).toEqual([`Item 3, ${c.message}`, c.description]);
		expect(h.sim.requests).toHaveLength(0);
	});

	test('3rd of 3 with Continue On Fail: the good ones are sent, the bad one is an error item', async () => {
		const { items, error } = await runEsms(c.params, {
			items: [goodItem(c, '0912345678'), goodItem(c, '0912345679'), badItem(c)],
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(h.sim.requests).toHaveLength(2);
		expect(accepted()).toBe(2);
		expect(items?.map((i) => [i.json.phone, i.json.code, i.pairedItem])).toEqual([
			['0912345678', '100', { item: 0 }],
			['0912345679', '100', { item: 1 }],
			[undefined, undefined, { item: 2 }],
		]);
		expect(items?.[2].json).toEqual({ error: `Item 3, ${c.message}`, description: c.description });
	});
});

test('the good values of the table are really accepted (so the failures above come from the bad ones)', async () => {
	for (const c of Object.values(CASES)) {
		h.sim.reset();
		const { error, items } = await runEsms(c.params, { items: [goodItem(c, '0912345678')] });
		expect(error?.message).toBeUndefined();
		expect(items?.[0].json.code).toBe('100');
	}
});
