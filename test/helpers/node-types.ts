/**
 * INodeTypes for tests, the test-only manual trigger, and small workflow builders.
 */
import { randomUUID } from 'node:crypto';

import type {
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

import { name as PACKAGE_NAME } from '../../package.json';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-harness.manualTrigger';

function toItems(value: unknown): INodeExecutionData[] {
	let parsed = value;
	if (typeof parsed === 'string') parsed = parsed.trim() === '' ? [{}] : JSON.parse(parsed);
	const list = Array.isArray(parsed) ? parsed : [parsed];
	return list.map((entry) => {
		const obj = (entry ?? {}) as IDataObject;
		// Allow full items ({ json, binary?, pairedItem? }) as well as plain JSON objects.
		if (typeof obj.json === 'object' && obj.json !== null && !Array.isArray(obj.json)) {
			return obj as unknown as INodeExecutionData;
		}
		return { json: obj };
	});
}

/**
 * Test-only counterpart of n8n's Manual Trigger. Parameter `items` (array, or JSON string)
 * is emitted as the trigger output; default is one empty item `[{ json: {} }]`.
 * Implemented as a real trigger node (`trigger()` + `manualTriggerFunction` + `emit`), so in
 * 'manual' mode WorkflowExecute runs it through TriggersAndPollers like the real one.
 */
export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test-only trigger emitting the configured items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '',
				description: 'Items to emit: array of JSON objects (or of full items with a json key)',
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const items = toItems(this.getNodeParameter('items', ''));
		return {
			manualTriggerFunction: async () => {
				this.emit([items]);
			},
		};
	}
}

/** The items the manual trigger node would emit (used to seed non-manual modes). */
export function manualTriggerItems(node: INode): INodeExecutionData[] {
	return toItems(node.parameters.items ?? '');
}

export type NodeTypeInput = INodeType | IVersionedNodeType;

export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, NodeTypeInput>();

	constructor(extra?: NodeTypeInput[] | Record<string, NodeTypeInput>) {
		this.add(MANUAL_TRIGGER_TYPE, new HarnessManualTrigger());
		if (Array.isArray(extra)) {
			for (const type of extra) {
				// Register both the bare description name and the package-qualified name that
				// n8n uses in workflow JSON (e.g. "n8n-nodes-esms-voice.esmsVoice").
				const name = type.description.name;
				this.add(name, type);
				if (!name.includes('.')) this.add(`${PACKAGE_NAME}.${name}`, type);
			}
		} else if (extra) {
			for (const [name, type] of Object.entries(extra)) this.add(name, type);
		}
	}

	private add(name: string, type: NodeTypeInput): void {
		this.types.set(name, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) {
			throw new Error(
				`Unknown node type "${nodeType}". Known: ${[...this.types.keys()].join(', ')} (pass it in RunOptions.nodeTypes)`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.types.keys()) known[name] = { className: name, sourcePath: '' };
		return known;
	}
}

let nodeCounter = 0;

/** A full INode: typeVersion 1, a position, random id (unless `extra.id`); credentials etc. via `extra`. */
export function makeNode(
	name: string,
	type: string,
	parameters: INodeParameters,
	extra: Partial<INode> = {},
): INode {
	nodeCounter += 1;
	return {
		id: extra.id ?? randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [nodeCounter * 200, 300],
		parameters,
		...extra,
	};
}

/** Connections main output 0 → main input 0 along the given node names. */
export function chain(...nodeNames: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < nodeNames.length - 1; i++) {
		connections[nodeNames[i]] = {
			main: [[{ node: nodeNames[i + 1], type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	return connections;
}
