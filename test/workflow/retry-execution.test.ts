/**
 * n8n's Retry of a failed execution (executions list → Retry), run the way n8n runs it: a new
 * execution in mode 'retry' over the failed one's saved data (see retryOf in helpers/engine.ts).
 * The real n8n servers do the same in e2e/retry.e2e.test.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { MANUAL_TRIGGER_TYPE, makeNode, runWorkflow } from '../helpers/engine';
import { KEYS_QS, MAKE_CALL, NODE_ID, NODE_NAME, NODE_TYPE, acceptedCalls, credentialsFor, makeCallParams, rid, runEsms, useSimulator } from './setup';
import type { EsmsRun } from './setup';

const h = useSimulator();

const PHONES = ['0912000001', '0912000002', '0912000003', '0912000004', '0912000005', '0912000006', '0912000007', '0912000008', '0912000009', '0912000010'];
const LOW_BALANCE = PHONES[5];
const FIRST = 'exec-3001';
const RETRY = 'exec-3002';
const RETRY_AGAIN = 'exec-3003';
const MESSAGE_103 = 'eSMS error 103: Balance too low';
const TOP_UP = 'Top up your eSMS account, then run the workflow again.';
const PLACED_BEFORE = 'The failed execution this retry repeats already placed this call; it was not placed again.';

const items = PHONES.map((phone) => ({ phone }));
const run = (opts: { executionId: string; retryOf?: EsmsRun; concurrency?: number }) =>
	runEsms(makeCallParams({ options: { concurrency: opts.concurrency ?? 10 } }), {
		items,
		options: { mode: 'trigger', executionId: opts.executionId, retryOf: opts.retryOf?.result.run },
	});

/** The phone → reference ID of every call the simulator accepted. */
function acceptedReferenceIds(): Map<string, string> {
	return new Map(h.sim.placedCalls().map((call) => [call.phone, call.referenceId]));
}

/** [phone, RequestId, code] of the calls eSMS received, in order (by phone where `byPhone`: concurrent requests arrive in any order). */
const sent = (from = 0, byPhone = false) => {
	const rows = h.sim.requestsTo(MAKE_CALL).slice(from).map((r) => [r.query.Phone, r.query.RequestId, r.code]);
	return byPhone ? rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))) : rows;
};

beforeEach(() => {
	h.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED', code: '103' });
});

describe.each([10, 1])('Retry of a failed bulk Make Call (concurrency %i)', (concurrency) => {
	test('calls nobody the failed run placed, calls the rest, and the error said so', async () => {
		const first = await run({ executionId: FIRST, concurrency });
		const placedFirst = concurrency === 10 ? [0, 1, 2, 3, 4, 6, 7, 8, 9] : [0, 1, 2, 3, 4];
		expect(first.error?.message).toBe(MESSAGE_103);
		const list = concurrency === 10 ? 'Items 1, 2, 3, 4, 5, 7, 8, 9 and 10 were' : 'Items 1, 2, 3, 4 and 5 were';
		expect(first.nodeError?.description).toBe(
			`${TOP_UP} ${list} placed before this error. A Retry of this execution will not call them again; it places only the calls that were not placed.`,
		);
		expect(sent(0, true)).toEqual(
			[...placedFirst, 5].sort((a, b) => a - b).map((i) => [PHONES[i], rid(i, FIRST), i === 5 ? '103' : '100']),
		);
		const referenceIds = acceptedReferenceIds();

		// The user tops up, then clicks Retry.
		h.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED' });
		const before = h.sim.requestsTo(MAKE_CALL).length;
		const retry = await run({ executionId: RETRY, retryOf: first, concurrency });
		expect(retry.error).toBeUndefined();
		const notPlaced = PHONES.map((_, i) => i).filter((i) => !placedFirst.includes(i));
		// Only the calls that were not placed are sent, with the request IDs of the failed run.
		expect(sent(before, true)).toEqual(notPlaced.map((i) => [PHONES[i], rid(i, FIRST), '100']));
		const referenceIdsAfter = acceptedReferenceIds();
		expect(retry.items).toEqual(
			PHONES.map((phone, i) => ({
				json: placedFirst.includes(i)
					? { referenceId: referenceIds.get(phone), alreadyPlaced: true, phone, requestId: rid(i, FIRST), code: null, message: PLACED_BEFORE }
					: { referenceId: referenceIdsAfter.get(phone), alreadyPlaced: false, phone, requestId: rid(i, FIRST), code: '100' },
				pairedItem: { item: i },
			})),
		);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(10);
		expect(new Set(h.sim.requestsTo(MAKE_CALL).filter((r) => r.code === '100').map((r) => r.query.Phone)).size).toBe(10);
	});
});

test('a retry that fails again, retried again: still nobody called twice', async () => {
	const first = await run({ executionId: FIRST, concurrency: 1 });
	// Still not topped up: the retry places nothing new and fails on the same item.
	const retry = await run({ executionId: RETRY, retryOf: first, concurrency: 1 });
	expect(retry.error?.message).toBe(MESSAGE_103);
	expect(retry.nodeError?.description).toContain('Items 1, 2, 3, 4 and 5 were placed before this error.');
	h.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED' });
	const again = await run({ executionId: RETRY_AGAIN, retryOf: retry, concurrency: 1 });
	expect(again.error).toBeUndefined();
	expect(again.json.map((j) => [j.phone, j.alreadyPlaced, j.requestId])).toEqual(PHONES.map((phone, i) => [phone, i < 5, rid(i, FIRST)]));
	expect(sent()).toEqual([
		...[0, 1, 2, 3, 4, 5].map((i) => [PHONES[i], rid(i, FIRST), i === 5 ? '103' : '100']),
		[PHONES[5], rid(5, FIRST), '103'],
		...[5, 6, 7, 8, 9].map((i) => [PHONES[i], rid(i, FIRST), '100']),
	]);
	expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(10);
});

test('a new execution with the same items places every call again', async () => {
	h.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED' });
	const today = await run({ executionId: FIRST });
	const tomorrow = await run({ executionId: RETRY });
	expect(today.json.map((j) => [j.alreadyPlaced, j.requestId])).toEqual(PHONES.map((_, i) => [false, rid(i, FIRST)]));
	expect(tomorrow.json.map((j) => [j.alreadyPlaced, j.requestId])).toEqual(PHONES.map((_, i) => [false, rid(i, RETRY)]));
	expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(20);
});

test('without the automatic request ID the retry still skips the calls the failed run placed', async () => {
	const params = makeCallParams({ options: { concurrency: 1, autoRequestId: false } });
	const options = { mode: 'trigger' as const, executionId: FIRST };
	const first = await runEsms(params, { items, options });
	expect(first.error?.message).toBe(MESSAGE_103);
	h.sim.setOutcome(LOW_BALANCE, { callStatus: 'ANSWERED' });
	const retry = await runEsms(params, { items, options: { ...options, executionId: RETRY, retryOf: first.result.run } });
	expect(retry.json.map((j) => [j.phone, j.alreadyPlaced, j.requestId])).toEqual(PHONES.map((phone, i) => [phone, i < 5, null]));
	expect(sent(6)).toEqual([5, 6, 7, 8, 9].map((i) => [PHONES[i], undefined, '100']));
	expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(10);
});

/** Test-only: fails the execution when an input item carries an error (as a Stop and Error after an If would). */
class FailOnErrorItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fail On Error Items',
		name: 'failOnErrorItems',
		group: ['transform'],
		version: 1,
		description: 'Test-only',
		defaults: { name: 'Check' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const failed = this.getInputData().filter((item) => (item.json as IDataObject).error !== undefined).length;
		if (failed > 0 && this.getMode() !== 'retry') throw new NodeOperationError(this.getNode(), `${failed} call(s) failed`);
		return [this.getInputData()];
	}
}

test('with Continue On Fail the node does not fail; a retry of a later failure does not run it again', async () => {
	const nodes = [
		makeNode('Start', MANUAL_TRIGGER_TYPE, { items: items as never }),
		makeNode(NODE_NAME, NODE_TYPE, makeCallParams(), { id: NODE_ID, credentials: { esmsApi: { id: '1', name: 'eSMS' } }, onError: 'continueRegularOutput' }),
		makeNode('Check', 'failOnErrorItems', {}),
	];
	const connections = {
		Start: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
		[NODE_NAME]: { main: [[{ node: 'Check', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const common = { nodes, connections, nodeTypes: [new EsmsVoice(), new FailOnErrorItems()], credentials: { esmsApi: credentialsFor(h.sim) }, mode: 'trigger' as const };
	const first = await runWorkflow({ ...common, executionId: FIRST });
	expect(first.error?.message).toBe('1 call(s) failed');
	expect(first.outputOf(NODE_NAME)[0][5].json).toEqual({ error: MESSAGE_103, description: TOP_UP });
	const retry = await runWorkflow({ ...common, executionId: RETRY, retryOf: first.run });
	expect(retry.error).toBeUndefined();
	expect(retry.outputOf('Check')[0]).toHaveLength(10);
	expect(h.sim.requestsTo(MAKE_CALL)).toHaveLength(10);
	expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(9);
	expect(h.sim.requestsTo(MAKE_CALL)[0].rawQuery).toBe(`${KEYS_QS}&Phone=${PHONES[0]}&TemplateId=1001&RequestId=${rid(0, FIRST)}`);
});
