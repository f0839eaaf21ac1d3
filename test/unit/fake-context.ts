/** A minimal IExecuteFunctions for pure helpers that only need the node (to build errors). */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

export const FAKE_NODE: INode = {
	id: 'unit-node',
	name: 'eSMS Voice',
	type: 'n8n-nodes-esms-voice.esmsVoice',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function fakeContext(extra: Partial<Record<keyof IExecuteFunctions, unknown>> = {}): IExecuteFunctions {
	return { getNode: () => FAKE_NODE, ...extra } as unknown as IExecuteFunctions;
}
