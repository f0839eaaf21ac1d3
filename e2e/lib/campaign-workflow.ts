// The published one-import campaign (either ledger), as its e2e suites drive it: edited and
// published again as a user would, its schedule run once, its executions awaited.
import type { EsmsSimulator } from '../../simulator/src';
import { statusSection } from './campaign-form';
import { exampleNode } from './examples';
import type { Execution, N8nClient, WorkflowJson } from './n8n-client';
import { poll, vietnamClock } from './util';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** The workflow's two call-placing nodes (a recording, a text-to-speech template). */
export const CALL_NODES = ['Call', 'Call with template'];

/** Both Call nodes' calling days: every day, all day (the tests run at any hour), or none today. */
export function callingWindow(open: boolean): (wf: WorkflowJson) => void {
	return (wf) => {
		const today = DAYS[vietnamClock(Date.now()).getUTCDay()];
		for (const name of CALL_NODES) {
			Object.assign(exampleNode(wf, name).parameters as object, open
				? { callingHoursStart: '00:00', callingHoursEnd: '24:00', callingDays: DAYS }
				: { callingHoursStart: '08:00', callingHoursEnd: '17:00', callingDays: DAYS.filter((day) => day !== today) });
		}
	};
}

export class PublishedCampaign {
	private publishedId = '';

	/** `client` is read on every use: a suite that restarts n8n gets a new one. */
	constructor(
		private readonly client: () => N8nClient,
		readonly workflow: WorkflowJson,
		private readonly formUrl: () => string,
	) {}

	/** The published workflow's ID. */
	workflowId(): string {
		if (!this.publishedId) throw new Error('the campaign workflow is not published yet');
		return this.publishedId;
	}

	/** Creates the workflow, publishes it and waits for its form. */
	async publish(): Promise<void> {
		const { id } = await this.client().createWorkflow(this.workflow);
		await this.client().activateWorkflow(id);
		this.publishedId = id;
		await this.served();
	}

	/** Resolves once n8n serves the form (publishing finishes a moment after its answer; webhook processors busy with callbacks answer slowly). */
	async served(): Promise<void> {
		await poll(async () => ((await fetch(this.formUrl())).status === 200 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200, what: 'the form' });
	}

	/** Every execution of the workflow finished (none running or waiting). */
	async settled(timeoutMs = 120_000): Promise<Execution[]> {
		return await poll(
			async () => {
				const list = await this.client().listExecutions(this.workflowId());
				return list.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)) ? list : undefined;
			},
			{ timeoutMs, intervalMs: 500, what: 'every execution of the campaign workflow to finish' },
		);
	}

	/**
	 * Changes the workflow's nodes (as a user editing it would) and publishes it again; then waits
	 * for the form, unless `waitForForm` is false (webhook processors swamped by callbacks may take
	 * minutes to answer a form, while the schedule, on main, runs at once).
	 */
	async edit(change: (wf: WorkflowJson) => void, waitForForm = true): Promise<void> {
		const client = this.client();
		change(this.workflow);
		await client.deactivateWorkflow(this.workflowId());
		const { name, nodes, connections, settings } = this.workflow;
		await client.api('PUT', `/api/v1/workflows/${this.workflowId()}`, { name, nodes, connections, settings: settings ?? {} });
		await client.activateWorkflow(this.workflowId());
		if (waitForForm) await this.served();
	}

	/**
	 * Runs the schedule once (place due rows, sweep): a cron 15 s ahead; again if publishing took
	 * longer than that (a slow machine), at most three times. By default it counts the workflow's
	 * executions and waits for them all to finish; a campaign at volume (thousands of callback
	 * executions) gives `scheduleMark`, a number that grows when a scheduled run starts (its latest
	 * execution's ID), and goes on while the run places its calls.
	 */
	async runScheduleOnce(options: { scheduleMark?: () => Promise<number>; settle?: boolean; graceMs?: number; waitForForm?: boolean } = {}): Promise<void> {
		const count = options.scheduleMark ?? (async () => (await this.client().listExecutions(this.workflowId())).length);
		const before = await count();
		for (let attempt = 1; ; attempt++) {
			const at = vietnamClock(Date.now() + 15_000);
			await this.edit((wf) => {
				(exampleNode(wf, 'Every 5 minutes').parameters as Record<string, unknown>).rule = {
					interval: [{ field: 'cronExpression', expression: `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *` }],
				};
			}, options.waitForForm);
			const due = at.getTime() - 7 * 3600e3;
			try {
				await poll(async () => ((await count()) > before ? true : undefined), {
					timeoutMs: Math.max(0, due - Date.now()) + (options.graceMs ?? 20_000),
					what: 'the scheduled execution',
				});
				break;
			} catch (error) {
				if (attempt === 3 || Date.now() < due) throw error;
			}
		}
		if (options.settle !== false) await this.settled();
	}
}

/** The status a ledger row holds for a simulated call's outcome. */
export function ledgerStatusOf(callStatus: string): string {
	return callStatus === 'ANSWERED' ? 'answered' : callStatus === 'NO ANSWER' ? 'noAnswer' : 'failed';
}

/**
 * The simulator's calls of a campaign's ledger (by reference ID), after checking that nobody was
 * called twice (over every campaign so far) and that each row holds what the simulator did.
 */
export function callsMatchingLedger(sim: EsmsSimulator, ledger: Array<Record<string, unknown>>): ReturnType<EsmsSimulator['placedCalls']> {
	const calls = sim.placedCalls().filter((call) => ledger.some((r) => r.referenceId === call.referenceId));
	const called = sim.requestsTo('MakeCallRecord_V2').map((r) => r.query.Phone);
	expect(new Set(called).size).toBe(called.length);
	for (const call of calls) {
		const row = ledger.find((r) => r.referenceId === call.referenceId)!;
		expect([row.phone, row.status, row.keyPressed || '']).toEqual([call.normalizedPhone, ledgerStatusOf(call.outcome.callStatus), call.outcome.ivr]);
	}
	return calls;
}

/** The status page's Stop button, as a browser posts it; the campaign's section of the page it answers with. */
export async function stopCampaign(stopUrl: string, campaign: string): Promise<Record<string, string>> {
	const stopped = await fetch(stopUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: `campaign=${encodeURIComponent(campaign)}`,
	});
	expect(stopped.status).toBe(200);
	return statusSection(await stopped.text(), campaign);
}
