// n8n's Retry of a failed execution (the executions list's "Retry with currently saved workflow" and
// "Retry with original workflow", POST /rest/executions/:id/retry) in a real n8n: a bulk Make Call
// where eSMS refuses one item (103, balance too low); after the top-up, the retry calls only the
// people the failed run did not call.
import { randomUUID } from 'node:crypto';

import { nodeOutput, type Execution } from './lib/n8n-client';
import { oneItemPerValueNodes } from './lib/nodes';
import { containsKeys, expectedAutoRequestId, Scenario, type SimulatorWithCredential } from './lib/scenario';
import { chain, ESMS_NODE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

const PHONES = ['0913000001', '0913000002', '0913000003', '0913000004', '0913000005', '0913000006', '0913000007', '0913000008', '0913000009', '0913000010'];
const LOW_BALANCE = PHONES[5];
const MAKE_CALL = 'MakeCallRecord_V2';
const PLACED_BEFORE = 'The failed execution this retry repeats already placed this call; it was not placed again.';

describe('Retry of a failed execution in a real n8n', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;

	beforeAll(async () => {
		scenario = await Scenario.connect();
		esms = await scenario.simulator('retry');
	});

	afterAll(async () => {
		await scenario?.close();
	});

	beforeEach(() => {
		esms.sim.reset();
		esms.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED', code: '103' });
	});

	async function bulkWorkflow(label: string, options: Record<string, unknown>, extra: { continueOnFail?: boolean; after?: Record<string, unknown> } = {}) {
		const path = uniquePath(`retry-${label}`);
		const node = esmsNode({ resource: 'call', operation: 'makeCall', phone: '={{ $json.phones }}', recordingId: '1001', options }, esms.credential);
		if (extra.continueOnFail) node.onError = 'continueRegularOutput';
		const nodes = [webhookNode(path), ...oneItemPerValueNodes(PHONES), node, ...(extra.after ? [extra.after] : [])];
		const workflowId = await scenario.workflow(chain(`e2e retry: ${label}`, nodes));
		return { path, workflowId, nodeId: node.id as string };
	}

	async function start(path: string, workflowId: string): Promise<Execution> {
		const known = await scenario.executionIds(workflowId);
		await scenario.client.callWebhook(path);
		return await scenario.finishedExecution(workflowId, known);
	}

	/** What the editor's Retry button does; answers with the new (retry) execution. */
	async function retry(failed: Execution, loadWorkflow: boolean): Promise<Execution> {
		const known = await scenario.executionIds(failed.workflowId);
		await scenario.client.rest('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow });
		const execution = await scenario.finishedExecution(failed.workflowId, known);
		expect(execution.mode).toBe('retry');
		return execution;
	}

	/** [phone, RequestId, code] of the calls eSMS received, by phone (concurrent requests arrive in any order). */
	const sent = (from = 0) =>
		esms.sim
			.requestsTo(MAKE_CALL)
			.slice(from)
			.map((r) => [r.query.Phone, r.query.RequestId, r.code])
			.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
	const referenceIds = () => new Map(esms.sim.placedCalls().map((call) => [call.phone, call.referenceId]));

	test.each([
		{ concurrency: 10, loadWorkflow: true, placed: [0, 1, 2, 3, 4, 6, 7, 8, 9], list: 'Items 1, 2, 3, 4, 5, 7, 8, 9 and 10 were' },
		{ concurrency: 1, loadWorkflow: false, placed: [0, 1, 2, 3, 4], list: 'Items 1, 2, 3, 4 and 5 were' },
	])(
		'concurrency $concurrency, retry with loadWorkflow=$loadWorkflow: nobody placed in the failed run is called again',
		async ({ concurrency, loadWorkflow, placed, list }) => {
			const { path, workflowId, nodeId } = await bulkWorkflow(`c${concurrency}`, { concurrency });
			const failed = await start(path, workflowId);
			expect(failed.status).toBe('error');
			expect(failed.data?.resultData.error?.message).toBe('eSMS error 103: Balance too low');
			expect(failed.data?.resultData.error?.description).toBe(
				`Top up your eSMS account, then run the workflow again. ${list} placed before this error. A Retry of this execution will not call them again; it places only the calls that were not placed.`,
			);
			const rid = (i: number) => expectedAutoRequestId(failed.id, nodeId, i);
			expect(sent()).toEqual([...placed, 5].sort((a, b) => a - b).map((i) => [PHONES[i], rid(i), i === 5 ? '103' : '100']));
			const firstIds = referenceIds();

			esms.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED' }); // topped up
			const before = esms.sim.requestsTo(MAKE_CALL).length;
			const retried = await retry(failed, loadWorkflow);
			expect(retried.status).toBe('success');
			const notPlaced = PHONES.map((_, i) => i).filter((i) => !placed.includes(i));
			expect(sent(before)).toEqual(notPlaced.map((i) => [PHONES[i], rid(i), '100']));
			const allIds = referenceIds();
			expect(nodeOutput(retried, ESMS_NODE)).toEqual(
				PHONES.map((phone, i) =>
					placed.includes(i)
						? { referenceId: firstIds.get(phone), alreadyPlaced: true, phone, requestId: rid(i), code: null, message: PLACED_BEFORE }
						: { referenceId: allIds.get(phone), alreadyPlaced: false, phone, requestId: rid(i), code: '100' },
				),
			);
			expect(esms.sim.placedCalls().map((call) => call.phone).sort()).toEqual([...PHONES].sort());
			expect(containsKeys(failed.data) || containsKeys(retried.data)).toBe(false);

			// A new execution of the same workflow (tomorrow's reminder) calls everyone again.
			const next = await start(path, workflowId);
			expect(next.status).toBe('success');
			expect(nodeOutput(next, ESMS_NODE).map((item) => [item.alreadyPlaced, item.requestId])).toEqual(
				PHONES.map((_, i) => [false, expectedAutoRequestId(next.id, nodeId, i)]),
			);
			expect(esms.sim.placedCalls()).toHaveLength(20);
		},
	);

	test('with Continue On Fail the node passes; a retry of a later failure sends nothing to eSMS', async () => {
		const stop = { id: randomUUID(), name: 'Stop', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [800, 0], parameters: { errorMessage: 'some calls failed' } };
		const { path, workflowId } = await bulkWorkflow('cof', { concurrency: 10 }, { continueOnFail: true, after: stop });
		const failed = await start(path, workflowId);
		expect(failed.status).toBe('error');
		expect(failed.data?.resultData.error?.message).toBe('some calls failed');
		expect(nodeOutput(failed, ESMS_NODE)[5]).toEqual({ error: 'eSMS error 103: Balance too low', description: 'Top up your eSMS account, then run the workflow again.' });
		expect(esms.sim.requestsTo(MAKE_CALL)).toHaveLength(10);
		const retried = await retry(failed, true);
		expect(retried.data?.resultData.error?.message).toBe('some calls failed');
		expect(esms.sim.requestsTo(MAKE_CALL)).toHaveLength(10);
		expect(esms.sim.placedCalls()).toHaveLength(9);
	});
});
