/**
 * A stand-in for n8n's webhook server around the eSMS Voice Trigger: a real node:http server on
 * loopback whose handler runs the node's `webhook()` through n8n-core's real WebhookContext
 * (request / response objects shaped like Express's), then answers the way n8n's webhook helpers
 * do: nothing more when the node answered itself (noWebhookResponse), else HTTP 200 with the
 * node's webhookResponse (when it started an execution: only if the webhook description's
 * responseData is empty, as in n8n's extractWebhookOnReceivedResponse).
 *
 * Static data, as a real n8n was shown to handle it (e2e/repeats-restart.e2e.test.ts): every
 * request loads the workflow afresh, its static data read from a "database" (`db`). When the node
 * returns workflowData, n8n reads the execution's own copy from the database and starts the
 * execution; n8n 2.x first re-wraps the webhook's static-data object in a new Workflow (that is what
 * its establishContextForPersistence does), which clears its change flag. After the answer is
 * decided n8n saves the webhook's copy if the flag is still set (so in 2.x only when the workflow had
 * no static data before). The execution runs the start node in n8n's engine (WorkflowExecute: the
 * trigger's execute()) and saves its copy when it ends if that changed. Simplification: here the
 * execution ends before the HTTP answer is sent, where n8n may answer first.
 */
import http from 'node:http';
import type net from 'node:net';
import { randomUUID } from 'node:crypto';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { EsmsVoiceTrigger } from '../../nodes/EsmsVoiceTrigger/EsmsVoiceTrigger.node';
import { ensureEngineInitialised, withLogCapture, type LogEntry } from '../helpers/bootstrap';
import { runWorkflow } from '../helpers/engine';
import { expressLike } from './http-helpers';
import { TestNodeTypes } from '../helpers/node-types';

export const TRIGGER_TYPE = 'n8n-nodes-esms-voice.esmsVoiceTrigger';
export const NODE_NAME = 'eSMS Voice Trigger';

export interface Execution {
	url: string;
	items: INodeExecutionData[];
}

export interface Answer {
	url: string;
	status: number;
	body: unknown;
}

export interface TriggerServerOptions {
	/** Node parameters (onlyFinal, options). */
	params?: INodeParameters;
	/** 'webhook' (production URL, default) or 'manual' (test URL). */
	mode?: WorkflowExecuteMode;
	/** '127.0.0.1' by default; '::' for a dual-stack server. */
	host?: string;
	/** The node instance (a fresh module instance simulates a restarted n8n process). */
	trigger?: INodeType;
	/** The "database" holding the workflow's static data; shared to simulate a restart. */
	db?: { staticData: IDataObject };
	workflowId?: string;
	nodeId?: string;
	/** Simulated database round-trip (ms) when loading and when saving the static data. */
	dbLatencyMs?: number;
	/** Whose static-data handling to model: n8n 2.x (default) or 1.x (see the header). */
	n8nMajor?: 1 | 2;
}

export { rawGet, type RawAnswer } from './http-helpers';

export class TriggerServer {
	readonly executions: Execution[] = [];
	readonly answers: Answer[] = [];
	readonly logs: LogEntry[] = [];
	readonly db: { staticData: IDataObject };
	/** Test hook: answer these statuses (in turn) AFTER the webhook ran, like a proxy losing n8n's answer. */
	failAfterWebhook: number[] = [];
	/** Test hook: answer these statuses (in turn) WITHOUT reaching the node, like n8n being down. */
	failBeforeWebhook: number[] = [];
	/** Requests the node actually handled. */
	handled = 0;
	port = 0;

	private readonly server: http.Server;
	private readonly trigger: INodeType;
	private readonly node: INode;
	private readonly workflowId: string;

	constructor(private readonly options: TriggerServerOptions = {}) {
		this.trigger = options.trigger ?? new EsmsVoiceTrigger();
		this.db = options.db ?? { staticData: {} };
		this.workflowId = options.workflowId ?? `wf-${randomUUID()}`;
		this.node = {
			id: options.nodeId ?? randomUUID(),
			name: NODE_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: 'esms-hook',
			parameters: options.params ?? {},
		};
		// Large request lines reach the node (Node's default limit would answer 431 itself).
		this.server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => void this.handle(req, res));
	}

	get host(): string {
		return this.options.host ?? '127.0.0.1';
	}

	/** Base URL of the webhook (path /webhook/esms-voice). */
	get url(): string {
		return `http://127.0.0.1:${this.port}/webhook/esms-voice`;
	}

	async start(): Promise<this> {
		ensureEngineInitialised();
		await new Promise<void>((resolve) => this.server.listen(0, this.host, resolve));
		this.port = (this.server.address() as net.AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}

	private async handle(raw: http.IncomingMessage, rawRes: http.ServerResponse): Promise<void> {
		const url = raw.url ?? '/';
		const send = (status: number, body: unknown): void => {
			this.answers.push({ url, status, body });
			rawRes.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
			rawRes.end(JSON.stringify(body));
		};
		const forced = this.failBeforeWebhook.shift();
		if (forced !== undefined) return send(forced, { message: 'forced by test' });

		let result: IWebhookResponseData;
		// What the execution's trigger outputs (what a user sees); the webhook's own items until it ran.
		let startedItems: INodeExecutionData[] = [];
		let workflow: Workflow;
		const latency = this.options.dbLatencyMs ?? 0;
		const dbRoundTrip = async () => {
			if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
		};
		try {
			// A workflow whose static data was never written has none (null) in n8n's database.
			const stored = Object.keys(this.db.staticData).length > 0 ? this.db.staticData : undefined;
			const staticData = stored && (JSON.parse(JSON.stringify(stored)) as IDataObject);
			await dbRoundTrip();
			const workflowParameters = {
				id: this.workflowId,
				name: 'Trigger test workflow',
				nodes: [structuredClone(this.node)],
				connections: {},
				active: true,
				nodeTypes: new TestNodeTypes({ [TRIGGER_TYPE]: this.trigger }),
				settings: {},
			};
			workflow = new Workflow({ ...workflowParameters, staticData });
			const node = workflow.getNode(NODE_NAME) as INode;
			const { request, response, written } = expressLike(raw, rawRes, url, (status, body) =>
				this.answers.push({ url, status, body }),
			);
			const additionalData = {
				httpRequest: request,
				httpResponse: response,
				webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
				formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
				variables: {},
			} as unknown as IWorkflowExecuteAdditionalData;
			const webhookData: IWebhookData = {
				httpMethod: 'GET',
				node: NODE_NAME,
				path: 'esms-voice',
				webhookDescription: this.trigger.description.webhooks![0],
				workflowId: this.workflowId,
				workflowExecuteAdditionalData: additionalData,
				isTest: this.options.mode === 'manual',
			};
			const mode = this.options.mode ?? 'webhook';
			const ctx = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
			this.handled++;
			result = await withLogCapture(this.logs, async () => await this.trigger.webhook!.call(ctx));
			const changed = (data: IDataObject) => (data as { __dataChanged?: boolean }).__dataChanged === true;
			const save = async (data: IDataObject) => {
				const saved = JSON.parse(JSON.stringify(data)) as IDataObject;
				await dbRoundTrip();
				this.db.staticData = saved;
			};
			let executionStaticData: IDataObject | undefined;
			startedItems = result.workflowData?.[0] ?? [];
			if (result.workflowData) {
				executionStaticData = JSON.parse(JSON.stringify(this.db.staticData)) as IDataObject;
				// n8n 2.x: a Workflow over the same static-data object (clears the change flag).
				if ((this.options.n8nMajor ?? 2) === 2) new Workflow({ ...workflowParameters, staticData });
			}
			if (changed(workflow.staticData)) await save(workflow.staticData);
			if (executionStaticData && result.workflowData) {
				const run = await runWorkflow({
					nodes: [structuredClone(this.node)],
					connections: {},
					nodeTypes: { [TRIGGER_TYPE]: this.trigger },
					mode,
					workflowId: this.workflowId,
					staticData: executionStaticData,
					startItems: result.workflowData[0] ?? [],
				});
				if (run.error) throw run.error;
				startedItems = run.outputOf(this.node.name)[0] ?? [];
				if (changed(run.staticData)) await save(run.staticData);
			}
			if (result.noWebhookResponse) {
				if (!written()) send(500, { message: 'node promised a response and wrote none' });
				return;
			}
		} catch (error) {
			// n8n answers an exception thrown by webhook() with HTTP 500.
			return send(500, { message: (error as Error).message });
		}
		if (result.workflowData) this.executions.push({ url, items: startedItems });
		const afterStatus = this.failAfterWebhook.shift();
		if (afterStatus !== undefined) return send(afterStatus, { message: 'forced by test' });
		if (result.workflowData) {
			// n8n's onReceived answer (extractWebhookOnReceivedResponse): the description's
			// responseData (default 'firstEntryJson', sent as that literal text) wins over the
			// node's webhookResponse; only an empty one lets webhookResponse through.
			const responseData = this.trigger.description.webhooks![0].responseData ?? 'firstEntryJson';
			if (responseData === 'noData') return send(200, '');
			if (responseData) return send(200, responseData);
			return send(200, result.webhookResponse ?? { message: 'Workflow was started' });
		}
		send(200, result.webhookResponse ?? { message: 'Webhook call received' });
	}
}

/** Starts a trigger server and stops it after the current test file. */
export async function startTrigger(options: TriggerServerOptions = {}): Promise<TriggerServer> {
	const server = await new TriggerServer(options).start();
	running.push(server);
	return server;
}

const running: TriggerServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** The docs' sample callback query (§5). */
export const DOCS_SAMPLE =
	'ReferenceId=066107ee-6ec4-4283-b595-aa74977c65c5&CallDuration=0&CallStatus=&Ivr=&Price=0.0000&SentResult=0&CID=02871002454&SendStatus=5';

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
