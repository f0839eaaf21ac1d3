/**
 * A stand-in for n8n's /webhook-waiting/ endpoint (WaitingWebhooks + executeWebhook), reduced to
 * what "Make Call and Wait for Result" needs: for a waiting execution it loads the saved run data,
 * runs the waiting node's webhook through n8n-core's WebhookContext, and — when the webhook returns
 * workflowData — answers 200 and continues the execution in WorkflowExecute (resumeExecution).
 * Unknown execution → 404; not waiting any more → 409; wrong resume token → 401.
 */
import http from 'node:http';
import type net from 'node:net';

import { WebhookContext } from 'n8n-core';
import type { INode, IRun, IRunExecutionData, IWebhookData, IWebhookResponseData } from 'n8n-workflow';

import { RESUME_WEBHOOKS } from '../../nodes/EsmsVoice/actions/call/resumeOnCallback';
import { EsmsVoice } from '../../nodes/EsmsVoice/EsmsVoice.node';
import { withLogCapture, type LogEntry } from '../helpers/bootstrap';
import { expressLike } from '../trigger/http-helpers';
import { NODE_NAME, engineFor, resumeExecution, type WaitWorkflow } from './setup';

interface Waiting {
	wf: WaitWorkflow;
	data: IRunExecutionData;
	status: 'waiting' | 'running' | 'finished';
	final?: IRun;
}

export class WaitingWebhookServer {
	readonly answers: Array<{ url: string; status: number; body: unknown }> = [];
	readonly logs: LogEntry[] = [];
	private readonly executions = new Map<string, Waiting>();
	private readonly server = http.createServer((req, res) => void this.handle(req, res));
	private port = 0;
	private readonly finishedListeners: Array<() => void> = [];

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}/webhook-waiting`;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as net.AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}

	/** What n8n saves when the execution goes to wait. */
	save(wf: WaitWorkflow, data: IRunExecutionData): void {
		this.executions.set(wf.executionId, { wf, data: structuredClone(data), status: 'waiting' });
	}

	status(executionId: string): Waiting['status'] | undefined {
		return this.executions.get(executionId)?.status;
	}

	/** Resolves with the finished run of the execution. */
	async finished(executionId: string, timeoutMs = 5000): Promise<IRun> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const entry = this.executions.get(executionId);
			if (entry?.final) return entry.final;
			if (Date.now() > deadline) throw new Error(`execution ${executionId} did not finish (status ${entry?.status})`);
			await new Promise<void>((resolve) => {
				this.finishedListeners.push(resolve);
				setTimeout(resolve, 20);
			});
		}
	}

	private async handle(raw: http.IncomingMessage, rawRes: http.ServerResponse): Promise<void> {
		const url = raw.url ?? '/';
		const send = (status: number, body: unknown): void => {
			this.answers.push({ url, status, body });
			rawRes.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
			rawRes.end(JSON.stringify(body));
		};
		const executionId = /^\/webhook-waiting\/([^/?#]+)/.exec(url)?.[1] ?? '';
		const entry = this.executions.get(executionId);
		if (!entry) return send(404, { message: `The execution "${executionId}" does not exist.` });
		if (entry.status !== 'waiting') return send(409, { message: `The execution "${executionId}" is ${entry.status === 'running' ? 'running' : 'finished'} already.` });
		if (new URL(url, 'http://127.0.0.1').searchParams.get('signature') !== entry.data.resumeToken) {
			return send(401, { error: 'Invalid token' });
		}

		let result: IWebhookResponseData;
		try {
			const data = structuredClone(entry.data);
			const { request, response, written } = expressLike(raw, rawRes, url, (status, body) => this.answers.push({ url, status, body }));
			const { workflow, additionalData } = engineFor(entry.wf, { httpRequest: request, httpResponse: response } as never);
			const node = workflow.getNode(NODE_NAME) as INode;
			const webhookData: IWebhookData = {
				httpMethod: 'GET',
				node: NODE_NAME,
				path: '',
				webhookDescription: RESUME_WEBHOOKS[0],
				workflowId: workflow.id,
				workflowExecuteAdditionalData: additionalData,
			};
			const ctx = new WebhookContext(workflow, node, additionalData, 'manual', webhookData, [], data);
			result = await withLogCapture(this.logs, async () => await new EsmsVoice().webhook.call(ctx));
			if (result.noWebhookResponse) {
				if (!written()) send(500, { message: 'node promised a response and wrote none' });
				return;
			}
		} catch (error) {
			return send(500, { message: (error as Error).message });
		}
		if (!result.workflowData) return send(200, result.webhookResponse ?? { message: 'Webhook call received' });

		entry.status = 'running';
		send(200, result.webhookResponse ?? { message: 'Workflow was started' });
		const { run, logs } = await resumeExecution(entry.wf, entry.data, result.workflowData);
		this.logs.push(...logs);
		entry.final = run;
		entry.status = 'finished';
		for (const listener of this.finishedListeners.splice(0)) listener();
	}
}
