import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { EsmsSimulator } from '../../simulator/src';
import type { FaultSpec } from '../../simulator/src';
import { API_KEY, SECRET_KEY, deepText, leakedMarkers, makeCallParams, runEsms, useSimulator, type EsmsRun } from './setup';

const h = useSimulator({ callDelayMs: 5 });

interface Scenario {
	params: INodeParameters;
	items?: IDataObject[];
	nodeExtra?: Partial<INode>;
	fault?: FaultSpec;
	outcome?: string;
	/** 'ok' | 'error' | 'items with errors' */
	expect: 'ok' | 'error' | 'errorItem';
}

const FAST = { networkRetryDelayMs: 1, timeoutSeconds: 0.3 };
const CODES = ['99', '101', '102', '103', '104', '105', '106', '108', '118', '140', '146', '177', '777'];
const template: INodeParameters = { resource: 'call', operation: 'makeCallFromTemplate', phone: '={{ $json.phone }}', templateId: '2001' };
const otp: INodeParameters = { resource: 'call', operation: 'sendVoiceOtp', phone: '={{ $json.phone }}', content: 'OTP 123456' };
const COF = { onError: 'continueRegularOutput' } as const;

const SCENARIOS: Record<string, Scenario> = {
	'make call success': { params: makeCallParams({ additionalFields: { callbackUrl: 'https://n8n.example.com/webhook/x' } }), expect: 'ok' },
	'template success': { params: template, expect: 'ok' },
	'voice OTP success (keys in the JSON body)': { params: otp, expect: 'ok' },
	'balance success': { params: { resource: 'account', operation: 'getBalance' }, expect: 'ok' },
	'status 105': { params: { resource: 'call', operation: 'getStatus', referenceId: 'nope' }, expect: 'error' },
	'balance with a fault': { params: { resource: 'account', operation: 'getBalance', options: FAST }, fault: { kind: 'reset', endpoint: 'GetBalance_json', times: Infinity }, expect: 'error' },
	'OTP with a fault': { params: { ...otp, options: FAST }, fault: { kind: 'http500', endpoint: 'SendMultipleMessage_V4_post_json', times: Infinity }, expect: 'error' },
	'bad phone': { params: makeCallParams(), items: [{ phone: '12345' }], expect: 'error' },
	'bad callback URL': { params: makeCallParams({ additionalFields: { callbackUrl: 'ftp://x' } }), expect: 'error' },
	'past schedule': { params: makeCallParams({ additionalFields: { scheduleAt: '2020-01-01T00:00:00' } }), expect: 'error' },
	'|| in a variable': { params: { ...template, variables: { variable: [{ value: 'a||b' }] } }, expect: 'error' },
	'speed 4': { params: { ...template, additionalFields: { speed: 4 } }, expect: 'error' },
	'bad input, Continue On Fail': { params: makeCallParams(), items: [{ phone: '0912345678' }, { phone: 'x' }], nodeExtra: COF, expect: 'errorItem' },
	'code 124 → alreadyPlaced': { params: makeCallParams(), outcome: '124', expect: 'ok' },
};
for (const code of CODES) {
	SCENARIOS[`code ${code}`] = { params: makeCallParams(), outcome: code, expect: 'error' };
	SCENARIOS[`code ${code}, Continue On Fail`] = { params: makeCallParams(), outcome: code, items: [{ phone: '0912345678' }, { phone: 'OUTCOME' }], nodeExtra: COF, expect: 'errorItem' };
}
for (const kind of ['reset', 'http500', 'html', 'hang'] as const) {
	SCENARIOS[`${kind} fault, retried`] = { params: makeCallParams({ options: FAST }), fault: { kind, endpoint: 'MakeCallRecord_V2', times: 1 }, expect: 'ok' };
	SCENARIOS[`${kind} fault, persistent`] = { params: makeCallParams({ options: FAST }), fault: { kind, endpoint: 'MakeCallRecord_V2', times: Infinity }, expect: 'error' };
	SCENARIOS[`${kind} fault, no request ID`] = { params: makeCallParams({ options: { ...FAST, autoRequestId: false } }), fault: { kind, endpoint: 'MakeCallRecord_V2' }, expect: 'error' };
	SCENARIOS[`${kind} fault, Continue On Fail`] = { params: makeCallParams({ options: { ...FAST, autoRequestId: false, concurrency: 1 } }), fault: { kind, endpoint: 'MakeCallRecord_V2' }, items: [{ phone: '0912345678' }, { phone: '0912345679' }], nodeExtra: COF, expect: 'errorItem' };
}
SCENARIOS['latency beyond the timeout'] = { params: makeCallParams({ options: { ...FAST, autoRequestId: false } }), fault: { kind: 'latency', ms: 400, endpoint: 'MakeCallRecord_V2' }, expect: 'error' };

const OUTCOME_PHONE = '0911122233';

async function play(sim: EsmsSimulator, scenario: Scenario, credentials?: ICredentialDataDecryptedObject): Promise<EsmsRun> {
	if (scenario.fault) sim.injectFault(scenario.fault);
	if (scenario.outcome) sim.setOutcome(OUTCOME_PHONE, { callStatus: 'ANSWERED', code: scenario.outcome });
	const items = (scenario.items ?? [{ phone: scenario.outcome ? OUTCOME_PHONE : '0912345678' }]).map((item) =>
		item.phone === 'OUTCOME' ? { phone: OUTCOME_PHONE } : item,
	);
	const run = await runEsms(scenario.params, { items, nodeExtra: scenario.nodeExtra, simulator: sim, credentials, skipSecretCheck: true });
	if (scenario.outcome) sim.setOutcome(OUTCOME_PHONE, { callStatus: 'ANSWERED' });
	return run;
}

function checkShape(run: EsmsRun, scenario: Scenario): void {
	if (scenario.expect === 'error') expect(run.error?.message).toEqual(expect.any(String));
	else expect(run.error).toBeUndefined();
	if (scenario.expect === 'errorItem') expect(run.json.some((j) => typeof j.error === 'string')).toBe(true);
	// the log check below is not vacuous: n8n logs every run
	expect(run.logs.length).toBeGreaterThan(0);
}

describe.each(Object.entries(SCENARIOS))('%s', (_label, scenario) => {
	test('outputs, errors (whole objects) and logs hold no key', async () => {
		const run = await play(h.sim, scenario);
		checkShape(run, scenario);
		expect(leakedMarkers(run)).toEqual([]);
		expect(JSON.stringify(run.items ?? null)).not.toMatch(/SIM-(API|SECRET)-KEY|ApiKey=|SecretKey=/);
		for (const error of [run.error, run.nodeError]) {
			expect(`${error?.message} ${error?.description}`).not.toMatch(/SIM-(API|SECRET)-KEY|ApiKey=|SecretKey=/);
			expect(JSON.stringify(error ?? null)).not.toMatch(/SIM-(API|SECRET)-KEY|ApiKey=|SecretKey=/);
		}
	});
});

describe('keys with URL-special characters (checked raw and URL-encoded)', () => {
	const apiKey = 'Api Key+/=1&A';
	const secretKey = 'Sec/ret+Key=99&x?';
	const markers = [apiKey, secretKey, encodeURIComponent(apiKey), encodeURIComponent(secretKey), 'ApiKey=', 'SecretKey='];
	let special: EsmsSimulator;
	beforeAll(async () => {
		special = new EsmsSimulator({ apiKey, secretKey, callDelayMs: 5 });
		await special.start();
	});
	afterAll(() => special.stop());
	beforeEach(() => special.reset());

	test.each(['make call success', 'code 101', 'code 777, Continue On Fail', 'reset fault, persistent', 'html fault, no request ID', 'OTP with a fault', 'bad phone'])(
		'%s',
		async (label) => {
			const run = await play(special, SCENARIOS[label], { apiKey, secretKey });
			checkShape(run, SCENARIOS[label]);
			const text = [deepText(run.items ?? null), deepText(run.error ?? null), deepText(run.nodeError ?? null), deepText(run.logs), deepText(run.result.run.data.resultData)].join('\n');
			expect(markers.filter((m) => text.includes(m))).toEqual([]);
		},
	);

	test('the keys did reach the simulator (so the check is about the node, not a broken request)', async () => {
		await play(special, SCENARIOS['make call success'], { apiKey, secretKey });
		expect(special.requestsTo('MakeCallRecord_V2')[0]).toMatchObject({ code: '100', query: { ApiKey: apiKey, SecretKey: secretKey } });
	});
});

describe('the leak detector itself', () => {
	test('finds a key in logs, in a non-enumerable cause and in output items', async () => {
		const run = await play(h.sim, SCENARIOS['make call success']);
		expect(leakedMarkers(run)).toEqual([]);
		expect(leakedMarkers({ ...run, logs: [...run.logs, { level: 'debug', message: `GET /x?ApiKey=${API_KEY}` }] })).toEqual([API_KEY, 'ApiKey=']);
		const error = Object.assign(new Error('outer', { cause: new Error(`SecretKey=${SECRET_KEY}`) }), { description: 'd' });
		expect(leakedMarkers({ ...run, nodeError: error as never })).toEqual([SECRET_KEY, 'SecretKey=']);
		expect(leakedMarkers({ ...run, items: [{ json: { raw: { ApiKey: API_KEY } } }] })).toEqual([API_KEY]);
	});
});
