/**
 * Activating a workflow with the eSMS Voice Trigger (n8n runs the node's webhookMethods
 * checkExists / create through n8n-core's HookContext): an IP Allowlist that would surprise
 * fails the activation with its reasons; host bits only warn in the server log.
 */
import { HookContext } from 'n8n-core';
import type { IDataObject, IHookFunctions, INode, INodeParameters, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { NodeOperationError, Workflow } from 'n8n-workflow';

import { EsmsVoiceTrigger } from '../../nodes/EsmsVoiceTrigger/EsmsVoiceTrigger.node';
import { ensureEngineInitialised, withLogCapture, type LogEntry } from '../helpers/bootstrap';
import { TestNodeTypes } from '../helpers/node-types';
import { NODE_NAME, TRIGGER_TYPE } from './trigger-server';

const FIX = 'Fix the IP Allowlist option (comma-separated addresses or CIDR ranges, e.g. 203.0.113.10, 198.51.100.0/24), or leave it empty to allow any sender.';

async function activate(options: IDataObject, method: 'checkExists' | 'create' = 'checkExists'): Promise<{ result?: boolean; error?: unknown; logs: LogEntry[] }> {
	ensureEngineInitialised();
	const trigger = new EsmsVoiceTrigger();
	const node: INode = {
		id: 'trigger-node', name: NODE_NAME, type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], webhookId: 'esms-hook',
		parameters: { options: options as INodeParameters },
	};
	const workflow = new Workflow({
		id: 'wf-activation', name: 'Activation', nodes: [node], connections: {}, active: true,
		nodeTypes: new TestNodeTypes({ [TRIGGER_TYPE]: trigger }), staticData: {}, settings: {},
	});
	const additionalData = { variables: {} } as unknown as IWorkflowExecuteAdditionalData;
	const ctx = new HookContext(workflow, workflow.getNode(NODE_NAME) as INode, additionalData, 'trigger', 'activate');
	const logs: LogEntry[] = [];
	try {
		const result = await withLogCapture(logs, async () => await trigger.webhookMethods.default[method].call(ctx as unknown as IHookFunctions));
		return { result, logs };
	} catch (error) {
		return { error, logs };
	}
}

test.each([
	['10.1.2.3/0', 'IP Allowlist: "10.1.2.3/0" would allow every IPv4 address; write 0.0.0.0/0 if that is what you mean'],
	['127.0.0.1/000', 'IP Allowlist: "127.0.0.1/000" has no valid prefix length (0 to 32)'],
	[',', 'IP Allowlist: the list has separators but no address; leave it empty to allow any sender'],
	[' , , ', 'IP Allowlist: the list has separators but no address; leave it empty to allow any sender'],
	['203.0.113.10, nonsense, 10.0.0.0/33', 'IP Allowlist: "nonsense" is not an IP address or a CIDR range; "10.0.0.0/33" has no valid prefix length (0 to 32)'],
])('allowlist %p → the activation fails with the reasons', async (ipAllowlist, message) => {
	for (const method of ['checkExists', 'create'] as const) {
		const { error } = await activate({ ipAllowlist }, method);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(message);
		expect((error as NodeOperationError).description).toBe(FIX);
	}
});

test.each(['', '   ', '0.0.0.0/0', '::/0', '203.0.113.10, 198.51.100.0/24 2001:db8::/32'])('allowlist %p activates silently', async (ipAllowlist) => {
	const { result, error, logs } = await activate({ ipAllowlist });
	expect(error).toBeUndefined();
	expect(result).toBe(true);
	expect(logs.filter((entry) => entry.level !== 'debug')).toEqual([]);
});

test('no options at all activates', async () => {
	expect((await activate({})).result).toBe(true);
});

test('host bits set → activates, with a warning naming the range it is read as', async () => {
	const { result, logs } = await activate({ ipAllowlist: '10.1.2.3/24, 203.0.113.10' });
	expect(result).toBe(true);
	expect(logs.filter((entry) => entry.level !== 'debug')).toEqual([
		{ level: 'warn', message: 'eSMS Voice Trigger: IP allowlist: "10.1.2.3/24" has host bits set: it is read as the range 10.1.2.0/24' },
	]);
});
