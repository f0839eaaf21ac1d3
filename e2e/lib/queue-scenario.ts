// The queue-mode suite's view of its instance: simulators with credentials, workflows, and polling
// on executions (which a worker, not the process that was called, writes).
import type { EsmsSimulator, SimulatorOptions } from '../../simulator/src';
import type { Execution, N8nClient, WorkflowJson } from './n8n-client';
import type { QueueInstance } from './queue-mode';
import { startSimulatorWithCredential, type SimulatorWithCredential } from './scenario';
import { poll, sleep } from './util';

const DONE = ['success', 'error', 'crashed', 'canceled'];

export type QueueSimulator = SimulatorWithCredential;

export class QueueScenario {
	private readonly simulators: EsmsSimulator[] = [];

	constructor(readonly instance: QueueInstance) {}

	get client(): N8nClient {
		return this.instance.client;
	}

	/** Starts a simulator and stores an eSMS API credential pointing at it. */
	async simulator(name: string, options: SimulatorOptions = {}): Promise<QueueSimulator> {
		return await startSimulatorWithCredential(this.client, this.simulators, name, options);
	}

	/** Creates and publishes a workflow. */
	async workflow(workflow: WorkflowJson): Promise<string> {
		const { id } = await this.client.createWorkflow(workflow);
		await this.client.activateWorkflow(id);
		return id;
	}

	async executionIds(workflowId: string): Promise<string[]> {
		return (await this.client.listExecutions(workflowId)).map((e) => e.id).sort((a, b) => Number(a) - Number(b));
	}

	/** Waits until the workflow has at least `count` executions; their ids, oldest first. */
	async atLeast(workflowId: string, count: number, timeoutMs = 30_000): Promise<string[]> {
		return await poll(
			async () => {
				const ids = await this.executionIds(workflowId);
				return ids.length >= count ? ids : undefined;
			},
			{ timeoutMs, intervalMs: 300, what: `${count} execution(s) of workflow ${workflowId}` },
		);
	}

	/** Polls one execution until its status is one of `statuses`; returns it with data. */
	async withStatus(id: string, statuses: string[] = DONE, timeoutMs = 30_000): Promise<Execution> {
		await poll(
			async () => (statuses.includes((await this.client.getExecution(id, false)).status) ? true : undefined),
			{ timeoutMs, intervalMs: 300, what: `execution ${id} to reach status ${statuses.join('/')}` },
		);
		return await this.client.getExecution(id, true);
	}

	/** Every execution of the workflow once all are finished, with data, oldest first. */
	async allFinished(workflowId: string, timeoutMs = 30_000): Promise<Execution[]> {
		const ids = await this.executionIds(workflowId);
		return await Promise.all(ids.map((id) => this.withStatus(id, DONE, timeoutMs)));
	}

	/** After something that must start nothing: a pause (webhooks answer before the execution is saved), then the ids. */
	async idsAfterSettling(workflowId: string, settleMs = 2500): Promise<string[]> {
		await sleep(settleMs);
		return await this.executionIds(workflowId);
	}

	async close(): Promise<void> {
		for (const sim of this.simulators) await sim.stop();
	}
}
