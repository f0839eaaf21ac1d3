// Error paths in a real n8n: what the execution records (status error, exact message) and what the
// simulator received (nothing for bad input; the one request for an eSMS error code).
import type { Execution } from './lib/n8n-client';
import { containsKeys, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { chain, ESMS_NODE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

describe('eSMS Voice errors in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;

	async function runOnce(label: string, parameters: Record<string, unknown>): Promise<Execution> {
		const path = uniquePath(`err-${label}`);
		const workflowId = await scenario.workflow(chain(`e2e errors: ${label}`, [webhookNode(path), esmsNode(parameters, esms.credential)]));
		const response = await scenario.client.callWebhook(path);
		expect(response.status).toBeGreaterThanOrEqual(400);
		return await scenario.finishedExecution(workflowId, []);
	}

	function recordedError(execution: Execution): { message?: string; description?: string } {
		return execution.data?.resultData.error ?? {};
	}

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('errors', {
			outcomes: { '0912345603': { callStatus: 'ANSWERED', code: '103' } },
		});
	});

	afterAll(async () => {
		await scenario?.close();
	});

	beforeEach(() => esms.sim.reset());

	test('a wrong phone number fails the execution with the exact message and sends nothing', async () => {
		const execution = await runOnce('bad-phone', {
			resource: 'call',
			operation: 'makeCall',
			phone: '12345',
			recordingId: '1001',
			additionalFields: { callbackUrl: 'https://example.com/cb' },
		});

		expect(execution.status).toBe('error');
		expect(recordedError(execution).message).toBe('Item 1, field "Phone": "12345" is not a Vietnamese phone number');
		expect(recordedError(execution).description).toBe(
			'Expected a Vietnamese number such as 0912345678, 84912345678 or +84 912 345 678 (mobile: 10 digits starting with 0; landline: 11 digits starting with 02).',
		);
		expect(execution.data?.resultData.lastNodeExecuted).toBe(ESMS_NODE);
		expect(esms.sim.requests).toHaveLength(0);
	});

	test('eSMS code 103 fails the execution with "eSMS error 103: Balance too low"', async () => {
		const execution = await runOnce('code-103', {
			resource: 'call',
			operation: 'makeCall',
			phone: '0912345603',
			recordingId: '1001',
			additionalFields: { requestId: 'e2e-balance-too-low' },
		});

		expect(execution.status).toBe('error');
		expect(recordedError(execution).message).toBe('eSMS error 103: Balance too low');
		expect(recordedError(execution).description).toBe('Top up your eSMS account, then run the workflow again.');
		const requests = esms.sim.requestsTo('MakeCallRecord_V2');
		expect(requests).toHaveLength(1);
		expect(requests[0].code).toBe('103');
		expect(requests[0].query).toEqual(expect.objectContaining({ Phone: '0912345603', RequestId: 'e2e-balance-too-low' }));
		expect(esms.sim.requests).toHaveLength(1);
		expect(containsKeys(execution.data)).toBe(false);
	});

	test('HTTP 500 from eSMS on a read-only request is retried, then fails without leaking the keys', async () => {
		esms.sim.injectFault({ endpoint: 'GetBalance_json', kind: 'http500', times: Infinity });
		const execution = await runOnce('http-500', {
			resource: 'account',
			operation: 'getBalance',
			options: { networkRetries: 1, networkRetryDelayMs: 100 },
		});

		expect(execution.status).toBe('error');
		expect(recordedError(execution).message).toBe('GetBalance_json: eSMS answered HTTP 500');
		expect(recordedError(execution).description).toBe('Tried 2 times. eSMS may be down or unreachable from this n8n server; try again later.');
		expect(esms.sim.requestsTo('GetBalance_json')).toHaveLength(2);
		expect(containsKeys(execution.data)).toBe(false);
	});
});
