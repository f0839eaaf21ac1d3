// Runs last (e2e/sequencer.js): after every other scenario, nothing n8n recorded — execution data,
// errors, its log — contains the eSMS keys. Adds the failures most likely to drag a request URL (with
// the keys in its query string) along: a refused connection and an HTTP 404 on a GET endpoint.
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';
import type { Execution } from './lib/n8n-client';
import { freePort } from './lib/util';
import { containsKeys, Scenario } from './lib/scenario';
import { chain, CREDENTIAL_TYPE, esmsNode, uniquePath, webhookNode } from './lib/workflows';

describe('no eSMS key in anything n8n recorded', () => {
	let scenario: Scenario;

	async function allExecutions(): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ includeData: 'true', limit: '100' });
			if (cursor) query.set('cursor', cursor);
			const page = await scenario.client.api<{ data: Execution[]; nextCursor?: string | null }>('GET', `/api/v1/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	async function failingRun(label: string, voiceBaseUrl: string): Promise<Execution> {
		const credential = await scenario.client.createCredential(`eSMS broken (${label})`, CREDENTIAL_TYPE, {
			apiKey: DEFAULT_API_KEY,
			secretKey: DEFAULT_SECRET_KEY,
			useCustomBaseUrls: true,
			voiceBaseUrl,
			restBaseUrl: voiceBaseUrl,
		});
		const path = uniquePath(`secrets-${label}`);
		const parameters = {
			resource: 'call',
			operation: 'makeCall',
			phone: '0912345671',
			recordingId: '1001',
			additionalFields: { requestId: `e2e-secrets-${label}` },
			options: { networkRetries: 1, networkRetryDelayMs: 50 },
		};
		const workflowId = await scenario.workflow(chain(`e2e secrets: ${label}`, [webhookNode(path), esmsNode(parameters, credential)]));
		await scenario.client.callWebhook(path);
		return await scenario.finishedExecution(workflowId, []);
	}

	beforeAll(async () => {
		scenario = await Scenario.connect();
	});

	afterAll(async () => {
		await scenario?.close();
	});

	test('a refused connection and an HTTP 404 on a GET endpoint fail without the keys', async () => {
		const refused = await failingRun('refused', `http://127.0.0.1:${await freePort()}/voice/MainService.svc/json`);
		expect(refused.status).toBe('error');
		expect(refused.data?.resultData.error?.message).toBe('MakeCallRecord_V2: the connection to eSMS failed (ECONNREFUSED)');

		const { sim } = await scenario.simulator('secrets-404');
		const notFound = await failingRun('http-404', `${sim.url}/nowhere/MainService.svc/json`);
		expect(notFound.status).toBe('error');
		expect(notFound.data?.resultData.error?.message).toBe('eSMS answered HTTP 404 to MakeCallRecord_V2');
		// The keys did travel (in the query string), so their absence below means something.
		expect(sim.requests.map((r) => containsKeys(r.rawQuery))).toEqual([true]);

		for (const execution of [refused, notFound]) expect(containsKeys(execution)).toBe(false);
	});

	test("no execution of the whole run, with its data and errors, contains the keys", async () => {
		const executions = await allExecutions();
		expect(executions.length).toBeGreaterThan(2);
		expect(executions.every((e) => e.data !== undefined)).toBe(true);
		const leaking = executions.filter((e) => containsKeys(e)).map((e) => `${e.id} (${e.status})`);
		expect(leaking).toEqual([]);
	});

	test("n8n's log does not contain the keys", () => {
		const logs = scenario.n8n.logs();
		expect(logs.length).toBeGreaterThan(0);
		expect(containsKeys(logs)).toBe(false);
	});
});
