// The automatic request ID when n8n runs the node more than once in one execution (a loop back to
// it, or an AI agent calling the tool again): each run is a new call, so it gets a new ID.
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { deriveRequestId } from '../../nodes/EsmsVoice/actions/requestId';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { MANUAL_TRIGGER_TYPE, makeNode, runWorkflow } from '../helpers/engine';
import { credentialsFor, EXECUTION_ID, KEYS_QS, MAKE_CALL, makeCallParams, NODE_ID, NODE_NAME, NODE_TYPE, useSimulator } from './setup';

const LOOP_TYPE = 'n8n-nodes-harness.loopOnce';
const SECOND_PHONE = '0987654321';

/** Sends one item with SECOND_PHONE back on output 0 on its first run; on later runs passes to output 1. */
class LoopOnce implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Loop Once',
		name: 'loopOnce',
		group: ['transform'],
		version: 1,
		description: 'Test node: loops back once',
		defaults: { name: 'Loop Once' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const first = this.getWorkflowDataProxy(0).$runIndex === 0;
		return first ? [[{ json: { phone: SECOND_PHONE }, pairedItem: { item: 0 } }], []] : [[], this.getInputData()];
	}
}

const h = useSimulator();

test('a loop back to the node: the second run places its own call (new request ID), the first keeps the plain ID', async () => {
	const result = await runWorkflow({
		nodes: [
			makeNode('Start', MANUAL_TRIGGER_TYPE, { items: [{ phone: '0912345678' }] as never }),
			makeNode(NODE_NAME, NODE_TYPE, makeCallParams(), { id: NODE_ID, credentials: { esmsApi: { id: '1', name: 'eSMS' } } }),
			makeNode('Loop Once', LOOP_TYPE, {}),
		],
		connections: {
			Start: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
			[NODE_NAME]: { main: [[{ node: 'Loop Once', type: NodeConnectionTypes.Main, index: 0 }]] },
			'Loop Once': { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }], []] },
		},
		nodeTypes: { [NODE_TYPE]: new EsmsVoice(), [LOOP_TYPE]: new LoopOnce() },
		credentials: { esmsApi: credentialsFor(h.sim) },
		executionId: EXECUTION_ID,
	});

	expect(result.error).toBeUndefined();
	const ids = [deriveRequestId(EXECUTION_ID, NODE_ID, 0), deriveRequestId(EXECUTION_ID, NODE_ID, 0, 1)];
	expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.rawQuery, r.code])).toEqual([
		[`${KEYS_QS}&Phone=0912345678&TemplateId=1001&RequestId=${ids[0]}`, '100'],
		[`${KEYS_QS}&Phone=${SECOND_PHONE}&TemplateId=1001&RequestId=${ids[1]}`, '100'],
	]);
	expect([0, 1].map((run) => result.outputOf(NODE_NAME, run)[0].map((item) => item.json))).toEqual([
		[{ referenceId: expect.any(String), alreadyPlaced: false, phone: '0912345678', requestId: ids[0], code: '100' }],
		[{ referenceId: expect.any(String), alreadyPlaced: false, phone: SECOND_PHONE, requestId: ids[1], code: '100' }],
	]);
});
