import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	MANUAL_TRIGGER_TYPE,
	chain,
	makeNode,
	registerCredentialTypes,
	runWorkflow,
} from './helpers/engine';

// ---------------------------------------------------------------------------
// Local HTTP server
// ---------------------------------------------------------------------------

interface Seen {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
}

const seen: Seen[] = [];
let flakyFailuresLeft = 0;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const entry: Seen = {
			method: req.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: req.headers,
		};
		seen.push(entry);
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (url.pathname === '/fail') return send(500, { message: 'boom' });
		if (url.pathname === '/flaky' && flakyFailuresLeft > 0) {
			flakyFailuresLeft -= 1;
			return send(503, { message: 'try again' });
		}
		return send(200, { ok: true, path: url.pathname, query: entry.query });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	seen.length = 0;
	flakyFailuresLeft = 0;
});

// ---------------------------------------------------------------------------
// Test-only credential types and node type
// ---------------------------------------------------------------------------

class HarnessApi implements ICredentialType {
	name = 'harnessApi';
	displayName = 'Harness API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' },
		{ displayName: 'Secret', name: 'secretKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'vn' },
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			qs: {
				...(requestOptions.qs ?? {}),
				ApiKey: credentials.apiKey,
				SecretKey: credentials.secretKey,
				Region: credentials.region,
			},
		};
	}
}

class HarnessGenericApi implements ICredentialType {
	name = 'harnessGenericApi';
	displayName = 'Harness Generic API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Token', name: 'token', type: 'string', default: '' },
	];

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: {
			headers: { 'X-Token': '={{$credentials.token}}' },
			qs: { tk: '={{$credentials.token + "-q"}}' },
		},
	};
}

class HarnessHttp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness HTTP',
		name: 'harnessHttp',
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Harness HTTP' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'harnessApi', required: true, displayOptions: { show: { auth: ['fn'] } } },
			{ name: 'harnessGenericApi', required: true, displayOptions: { show: { auth: ['generic'] } } },
		],
		properties: [
			{
				displayName: 'Auth',
				name: 'auth',
				type: 'options',
				options: [
					{ name: 'Function', value: 'fn' },
					{ name: 'Generic', value: 'generic' },
				],
				default: 'fn',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'Wait', value: 'wait' },
				],
				default: 'call',
			},
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/ok' },
			{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const operation = this.getNodeParameter('operation', 0) as string;
		const staticData = this.getWorkflowStaticData('global');
		staticData.calls = ((staticData.calls as number | undefined) ?? 0) + 1;

		if (operation === 'wait') {
			await this.putExecutionToWait(new Date('2030-01-02T03:04:05.000Z'));
			return [items];
		}

		const credentialType = this.getNodeParameter('auth', 0) === 'generic' ? 'harnessGenericApi' : 'harnessApi';
		const credentials = await this.getCredentials(credentialType);
		for (let i = 0; i < items.length; i++) {
			try {
				const phone = this.getNodeParameter('phone', i) as string;
				this.logger.info('calling', { phone, node: this.getNode().name });
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'GET',
					url: `${this.getNodeParameter('baseUrl', i) as string}${this.getNodeParameter('path', i) as string}`,
					qs: { phone },
					json: true,
				})) as IDataObject;
				out.push({
					json: {
						response,
						credentialKeys: Object.keys(credentials).sort(),
						executionId: this.getExecutionId(),
						timezone: this.getTimezone(),
						nodeName: this.getNode().name,
					},
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

registerCredentialTypes([new HarnessApi(), new HarnessGenericApi()]);

const credentials = {
	harnessApi: { apiKey: 'KEY1', secretKey: 'SECRET1' },
	harnessGenericApi: { token: 'TOK' },
};
const harnessCreds = {
	credentials: {
		harnessApi: { id: 'c1', name: 'Harness account' },
		harnessGenericApi: { id: 'c2', name: 'Generic account' },
	},
};

function workflow(
	params: INodeParameters,
	extra: Partial<INode> = {},
	items: INodeParameters[] = [{ phone: '0912345678' }],
) {
	return {
		nodes: [
			makeNode('Start', MANUAL_TRIGGER_TYPE, { items }),
			makeNode(
				'Call',
				'n8n-nodes-esms-voice.harnessHttp',
				{ baseUrl, phone: '={{ $json.phone }}', ...params },
				{ ...harnessCreds, ...extra },
			),
		],
		connections: chain('Start', 'Call'),
		nodeTypes: [new HarnessHttp()],
		credentials,
	};
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('engine harness', () => {
	it('runs the manual trigger with configured items, evaluates expressions, authenticates (function)', async () => {
		const result = await runWorkflow({
			...workflow({ path: '/echo' }, {}, [{ phone: '0912345678' }, { phone: '0987654321' }]),
			executionId: 'exec-42',
		});

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.outputOf('Start')).toEqual([
			[
				{ json: { phone: '0912345678' }, pairedItem: { item: 0 } },
				{ json: { phone: '0987654321' }, pairedItem: { item: 0 } },
			],
		]);
		const [items] = result.outputOf('Call');
		expect(items.map((i) => i.json)).toEqual([
			{
				response: {
					ok: true,
					path: '/echo',
					query: { phone: '0912345678', ApiKey: 'KEY1', SecretKey: 'SECRET1', Region: 'vn' },
				},
				credentialKeys: ['apiKey', 'region', 'secretKey'],
				executionId: 'exec-42',
				timezone: 'Asia/Ho_Chi_Minh',
				nodeName: 'Call',
			},
			{
				response: {
					ok: true,
					path: '/echo',
					query: { phone: '0987654321', ApiKey: 'KEY1', SecretKey: 'SECRET1', Region: 'vn' },
				},
				credentialKeys: ['apiKey', 'region', 'secretKey'],
				executionId: 'exec-42',
				timezone: 'Asia/Ho_Chi_Minh',
				nodeName: 'Call',
			},
		]);
		expect(seen.map((s) => `${s.method} ${s.path} ${s.query.phone}`)).toEqual([
			'GET /echo 0912345678',
			'GET /echo 0987654321',
		]);
		expect(result.logs).toEqual(
			expect.arrayContaining([
				{ level: 'info', message: 'calling', meta: { phone: '0912345678', node: 'Call' } },
				{ level: 'info', message: 'calling', meta: { phone: '0987654321', node: 'Call' } },
				// WorkflowExecute's own LoggerProxy output is captured too
				expect.objectContaining({ level: 'debug', message: 'Workflow execution finished successfully' }),
			]),
		);
	});

	it('default trigger output is one empty item; default execution id is fresh per run', async () => {
		const wf = workflow({ path: '/echo', phone: 'x' });
		wf.nodes[0] = makeNode('Start', MANUAL_TRIGGER_TYPE, {});
		const a = await runWorkflow(wf);
		const b = await runWorkflow(wf);
		expect(a.outputOf('Start')).toEqual([[{ json: {}, pairedItem: { item: 0 } }]]);
		const idA = a.outputOf('Call')[0][0].json.executionId;
		const idB = b.outputOf('Call')[0][0].json.executionId;
		expect(typeof idA).toBe('string');
		expect(idA).not.toBe(idB);
	});

	it('applies generic (declarative) authentication like the n8n server', async () => {
		const result = await runWorkflow({ ...workflow({ auth: 'generic', path: '/gen' }), timezone: 'UTC' });
		expect(result.error).toBeUndefined();
		expect(seen).toHaveLength(1);
		expect(seen[0].headers['x-token']).toBe('TOK');
		expect(seen[0].query).toEqual({ phone: '0912345678', tk: 'TOK-q' });
		expect(result.outputOf('Call')[0][0].json.timezone).toBe('UTC');
	});

	it('continueOnFail (onError continueRegularOutput) turns errors into items', async () => {
		const result = await runWorkflow(workflow({ path: '/fail' }, { onError: 'continueRegularOutput' }));
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		const [items] = result.outputOf('Call');
		expect(items).toHaveLength(1);
		// NodeApiError's message for an HTTP 500, produced by n8n-core's request helpers
		expect(items[0].json).toEqual({ error: 'The service was not able to process your request' });
	});

	it('without continueOnFail the execution fails with the node error', async () => {
		const result = await runWorkflow(workflow({ path: '/fail' }));
		expect(result.run.status).toBe('error');
		expect(result.error).toBeDefined();
		expect(result.errorOf('Call')).toBeDefined();
		expect(result.errorOf('Call')?.message).toBe(result.error?.message);
		expect(result.errorOf('Start')).toBeUndefined();
		expect(() => result.outputOf('Call')).toThrow(/Node "Call" has no output/);
		expect(() => result.outputOf('Nope')).toThrow(/Node "Nope" did not run/);
	});

	it('retryOnFail retries the node (handled by WorkflowExecute)', async () => {
		flakyFailuresLeft = 2;
		const result = await runWorkflow(
			workflow({ path: '/flaky' }, { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 }),
		);
		expect(result.error).toBeUndefined();
		expect(seen.map((s) => s.path)).toEqual(['/flaky', '/flaky', '/flaky']);
		expect(result.outputOf('Call')[0][0].json.response).toEqual({
			ok: true,
			path: '/flaky',
			query: { phone: '0912345678', ApiKey: 'KEY1', SecretKey: 'SECRET1', Region: 'vn' },
		});
		expect(result.staticData.global).toEqual({ calls: 3 });
	});

	it('putExecutionToWait ends the execution with waitTill', async () => {
		const staticData: IDataObject = {};
		const result = await runWorkflow({ ...workflow({ operation: 'wait' }), staticData });
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('waiting');
		expect(result.waitTill).toEqual(new Date('2030-01-02T03:04:05.000Z'));
		expect(seen).toHaveLength(0);
		expect(result.staticData.global).toEqual({ calls: 1 });
	});

	it("mode 'trigger' seeds the start node with its items (production-style run)", async () => {
		const result = await runWorkflow({ ...workflow({ path: '/echo' }), mode: 'trigger' });
		expect(result.error).toBeUndefined();
		expect(result.run.mode).toBe('trigger');
		expect(result.outputOf('Start')).toEqual([[{ json: { phone: '0912345678' }, pairedItem: { item: 0 } }]]);
		expect(seen.map((s) => s.query.phone)).toEqual(['0912345678']);
	});

	it('onError continueErrorOutput routes failed items to the error output', async () => {
		const result = await runWorkflow(workflow({ path: '/fail' }, { onError: 'continueErrorOutput' }));
		expect(result.error).toBeUndefined();
		const [success, failure] = result.outputOf('Call');
		expect(success).toEqual([]);
		// n8n merges the paired input item's json into the error item
		expect(failure.map((i) => i.json)).toEqual([
			{ phone: '0912345678', error: 'The service was not able to process your request' },
		]);
	});

	it('reports missing credentials the way n8n-core does', async () => {
		const wf = workflow({ path: '/echo' }, { credentials: {} });
		const result = await runWorkflow(wf);
		expect(result.run.status).toBe('error');
		expect(result.errorOf('Call')?.message).toBe('Node does not have any credentials set for "harnessApi"');
	});
});
