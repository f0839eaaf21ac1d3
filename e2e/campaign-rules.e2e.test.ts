// Calling Hours, the Do-Not-Call list and Get Status's "not found yet" in a real n8n: version 1.1's
// defaults as n8n applies them, a list from an expression returning an array (as n8n evaluates it),
// and what eSMS receives. n8n's clock cannot be set, so windows are built around the real time.
import { randomUUID } from 'node:crypto';

import { nodeOutput, type Execution } from './lib/n8n-client';
import { Scenario, type SimulatorWithCredential } from './lib/scenario';
import { oneItemPerValueNodes, webhookNodeOnReceived } from './lib/nodes';
import { vietnamClock } from './lib/util';
import { chain, ESMS_NODE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

const MAKE_CALL = 'MakeCallRecord_V2';
const PHONES = ['0914000001', '0914000002', '0914000003', '0914000004'];
/** In Date.getUTCDay() order (0 = Sunday). */
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** How the node names "every day but today", by today's Date.getUTCDay() (Monday-first week). */
const EVERY_DAY_BUT = [
	'Monday to Saturday',
	'Tuesday to Sunday',
	'Monday, Wednesday, Thursday, Friday, Saturday, Sunday',
	'Monday, Tuesday, Thursday, Friday, Saturday, Sunday',
	'Monday, Tuesday, Wednesday, Friday, Saturday, Sunday',
	'Monday, Tuesday, Wednesday, Thursday, Saturday, Sunday',
	'Monday, Tuesday, Wednesday, Thursday, Friday, Sunday',
];
const HOUR_MS = 3_600_000;

/** Vietnam wall-clock fields of an instant (UTC+7, no daylight saving). */
function vietnam(ms: number) {
	const d = vietnamClock(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return {
		day: d.getUTCDay(),
		hour: d.getUTCHours(),
		date: `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`,
	};
}

describe('Calling Hours and Do-Not-Call in a real n8n (eSMS Voice 1.1)', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('campaign-rules');
	});

	afterAll(async () => {
		await scenario?.close();
	});

	beforeEach(() => esms.sim.reset());

	async function runCalls(label: string, parameters: Record<string, unknown>, blocked: unknown[] = []): Promise<Execution> {
		const path = uniquePath(`rules-${label}`);
		const node = { ...esmsNode({ resource: 'call', phone: '={{ $json.phone }}', recordingId: '1001', ...parameters }, esms.credential), typeVersion: 1.1 };
		const workflowId = await scenario.workflow(chain(`e2e rules: ${label}`, [webhookNode(path), ...oneItemPerValueNodes(PHONES.map((phone) => ({ phone, blocked }))), node]));
		const known = await scenario.executionIds(workflowId);
		await scenario.client.callWebhook(path);
		return await scenario.finishedExecution(workflowId, known);
	}

	const sentPhones = () => esms.sim.requestsTo(MAKE_CALL).map((r) => [r.query.Phone, r.query.SendDate ?? null]).sort();

	test('defaults as n8n applies them: 08:00 to 17:00 every day, a call outside is scheduled for the next 08:00', async () => {
		const execution = await runCalls('defaults', { operation: 'makeCall' });
		expect(execution.status).toBe('success');
		const now = Date.now();
		const { hour } = vietnam(now);
		const inside = hour >= 8 && hour < 17;
		const next = vietnam(hour < 8 ? now : now + 24 * HOUR_MS).date;
		const sendDate = inside ? null : `${next} 08:00:00`;
		expect(sentPhones()).toEqual(PHONES.map((phone) => [phone, sendDate]));
		for (const item of nodeOutput(execution, ESMS_NODE)) {
			if (inside) expect(item).not.toHaveProperty('scheduledFor');
			else expect(item).toMatchObject({ scheduledFor: sendDate, scheduledBecause: 'outside calling hours (08:00 to 17:00 Vietnam time, every day)' });
		}
	});

	test('a window closed today: "schedule" sends SendDate at the next opening, "skip" sends nothing and says why', async () => {
		const today = vietnam(Date.now());
		const otherDays = DAYS.filter((_, i) => i !== today.day);
		const window = { callingHoursStart: '00:00', callingHoursEnd: '24:00', callingDays: otherDays };
		const tomorrow = `${vietnam(Date.now() + 24 * HOUR_MS).date} 00:00:00`;

		const scheduled = await runCalls('closed-schedule', { operation: 'makeCall', callingHours: 'schedule', ...window });
		expect(scheduled.status).toBe('success');
		expect(sentPhones()).toEqual(PHONES.map((phone) => [phone, tomorrow]));

		esms.sim.reset();
		const skipped = await runCalls('closed-skip', { operation: 'makeCall', callingHours: 'skip', ...window });
		expect(esms.sim.requests).toEqual([]);
		const reason = `outside calling hours (00:00 to 24:00 Vietnam time, ${EVERY_DAY_BUT[today.day]})`;
		expect(nodeOutput(skipped, ESMS_NODE)).toEqual(PHONES.map((phone) => ({ skipped: true, reason, phone, callableFrom: tomorrow })));
	});

	test('Do-Not-Call from an expression returning an array, and as text with +84 and spaces: 0 requests for listed numbers', async () => {
		const open = { operation: 'makeCall', callingHours: 'anyTime' };
		const fromArray = await runCalls('dnc-array', { ...open, additionalFields: { doNotCall: '={{ $json.blocked }}' } }, [84914000001, '+84 914 000 003']);
		expect(fromArray.status).toBe('success');
		expect(sentPhones()).toEqual([[PHONES[1], null], [PHONES[3], null]]);
		const skipped = (phone: string) => ({ skipped: true, reason: 'on the do-not-call list', phone });
		const output = nodeOutput(fromArray, ESMS_NODE);
		expect(output[0]).toEqual(skipped(PHONES[0]));
		expect(output[2]).toEqual(skipped(PHONES[2]));
		expect(output[1]).toMatchObject({ alreadyPlaced: false, phone: PHONES[1], code: '100' });

		esms.sim.reset();
		const fromText = await runCalls('dnc-text', { ...open, additionalFields: { doNotCall: '+84 914 000 002\n0914.000.004, 0912345678' } });
		expect(sentPhones()).toEqual([[PHONES[0], null], [PHONES[2], null]]);
		expect(nodeOutput(fromText, ESMS_NODE)[3]).toEqual(skipped(PHONES[3]));

		esms.sim.reset();
		const bad = await runCalls('dnc-bad', { ...open, additionalFields: { doNotCall: '0914000001, call me maybe' } });
		expect(bad.status).toBe('error');
		expect(bad.data?.resultData.error?.message).toBe('Item 1, field "Do-Not-Call List": entry 2 ("call") is not a phone number');
		expect(esms.sim.requests).toEqual([]);
	});

	test('Make Call and Wait, window closed today: SendDate at the next opening, the execution waits until then + 30 minutes', async () => {
		// Calls that stay pending: the execution is still waiting when it is read.
		const slow = await scenario.simulator('campaign-rules-wait', { callDelayMs: 600_000 });
		const today = vietnam(Date.now());
		const window = { callingHours: 'schedule', callingHoursStart: '00:00', callingHoursEnd: '24:00', callingDays: DAYS.filter((_, i) => i !== today.day) };
		const path = uniquePath('rules-wait');
		const node = {
			...esmsNode(
				{ resource: 'call', operation: 'makeCallAndWait', phone: '0914000009', recordingId: '1001', ...window, limitWaitTime: true, resumeAmount: 30, resumeUnit: 'minutes' },
				slow.credential,
			),
			typeVersion: 1.1,
		};
		const workflowId = await scenario.workflow(chain('e2e rules: wait', [webhookNodeOnReceived(path), node]));
		await scenario.client.callWebhook(path);
		const [id] = await scenario.newExecutions(workflowId, []);
		const execution = await scenario.executionWithStatus(id, ['waiting', 'success', 'error', 'crashed']);
		expect(execution.status).toBe('waiting');
		const tomorrow = vietnam(Date.now() + 24 * HOUR_MS).date;
		const opening = Date.parse(`${tomorrow.split('/').join('-')}T00:00:00+07:00`);
		expect(new Date(String(execution.waitTill)).getTime()).toBe(opening + 30 * 60_000);
		expect(slow.sim.requestsTo(MAKE_CALL).map((r) => r.query.SendDate)).toEqual([`${tomorrow} 00:00:00`]);
	});

	test('Get Status 1.1: an ID eSMS does not know yet (105) is an item, not a failed execution', async () => {
		const path = uniquePath('rules-status');
		const node = { ...esmsNode({ resource: 'call', operation: 'getStatus', referenceId: 'not-yet-known' }, esms.credential), typeVersion: 1.1 };
		const workflowId = await scenario.workflow(chain('e2e rules: status', [webhookNode(path), node]));
		const known = await scenario.executionIds(workflowId);
		await scenario.client.callWebhook(path);
		const execution = await scenario.finishedExecution(workflowId, known);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, ESMS_NODE)).toEqual([
			{
				kind: 'call',
				referenceId: 'not-yet-known',
				found: false,
				final: false,
				code: '105',
				message: 'eSMS does not know this ID yet (code 105). A call placed moments ago may not be known yet: ask again later. If it stays unknown, check the ID.',
			},
		]);
	});
	test('phones from an XLSX with numeric cells (the 0 dropped, as Excel stores them): called as eSMS needs them', async () => {
		const path = uniquePath('rules-xlsx');
		const rows = [
			{ phone: 914000001, agent: 2871002454 },
			{ phone: 914000002, agent: 2871002454 },
			{ phone: 914000003, agent: 2871002454 },
		];
		const file = (name: string, type: string, x: number, parameters: Record<string, unknown>) => ({ id: randomUUID(), name, type, typeVersion: 1.1, position: [x, 0], parameters });
		const nodes = [
			webhookNode(path),
			...oneItemPerValueNodes(rows),
			file('To XLSX', 'n8n-nodes-base.convertToFile', 600, { operation: 'xlsx', binaryPropertyName: 'data', options: {} }),
			file('From XLSX', 'n8n-nodes-base.extractFromFile', 800, { operation: 'xlsx', binaryPropertyName: 'data', options: {} }),
			esmsNode(
				{
					resource: 'call',
					operation: 'makeCall',
					phone: '={{ $json.phone }}',
					recordingId: '1001',
					forwardOnKeyPress: true,
					ivrKey: '1',
					forwardTo: '={{ $json.agent }}',
					additionalFields: { doNotCall: '={{ [914000002] }}' },
				},
				esms.credential,
			),
		];
		const workflowId = await scenario.workflow(chain('e2e rules: xlsx phones', nodes));
		const known = await scenario.executionIds(workflowId);
		await scenario.client.callWebhook(path);
		const execution = await scenario.finishedExecution(workflowId, known);
		expect(execution.status).toBe('success');
		// What n8n's own Extract From File hands over: numbers, not text.
		expect(nodeOutput(execution, 'From XLSX')).toEqual(rows);
		expect(esms.sim.requestsTo(MAKE_CALL).map((r) => [r.query.Phone, r.query.NumberForward]).sort()).toEqual([
			['0914000001', '02871002454'],
			['0914000003', '02871002454'],
		]);
		expect(nodeOutput(execution, ESMS_NODE).map((item) => [item.phone, item.skipped ?? false])).toEqual([
			['0914000001', false],
			['0914000002', true],
			['0914000003', false],
		]);
	});
});
