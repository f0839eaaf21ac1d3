// Smoke test against a real n8n: the package loads, its credential test passes and fails (wrong keys,
// a locked account, an answer that is not eSMS's), and a workflow using the eSMS Voice node runs
// against the eSMS simulator.
import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, EsmsSimulator } from '../simulator/src';
import { nodeOutput, type CreatedCredential } from './lib/n8n-client';
import { connectN8n, type Connection } from './lib/shared';
import { CREDENTIAL_TYPE, ESMS_NODE, NODE_TYPES, uniquePath, webhookToEsms } from './lib/workflows';

const WRONG_API_KEY = 'WRONG-API-KEY-e2e-1234';
const WRONG_SECRET_KEY = 'WRONG-SECRET-KEY-e2e-5678';

describe('n8n-nodes-esms-voice in a real n8n', () => {
	let simulator: EsmsSimulator;
	let n8n: Connection;
	let credential: CreatedCredential;

	const credentialData = (apiKey: string, secretKey: string): Record<string, unknown> => ({
		apiKey,
		secretKey,
		useCustomBaseUrls: true,
		voiceBaseUrl: simulator.voiceBaseUrl,
		restBaseUrl: simulator.restBaseUrl,
	});

	beforeAll(async () => {
		simulator = new EsmsSimulator({ quiet: true });
		await simulator.start();
		n8n = await connectN8n();
		credential = await n8n.client.createCredential(
			'eSMS (simulator)',
			CREDENTIAL_TYPE,
			credentialData(DEFAULT_API_KEY, DEFAULT_SECRET_KEY),
		);
	});

	afterAll(async () => {
		await n8n?.close();
		await simulator?.stop();
	});

	beforeEach(() => simulator.reset());

	test('n8n lists the action node, the trigger node and the credential type', async () => {
		const nodeTypes = await n8n.client.listNodeTypes();
		expect(nodeTypes).toContain(NODE_TYPES.action);
		expect(nodeTypes).toContain(NODE_TYPES.trigger);
		expect(await n8n.client.listCredentialTypes()).toContain(CREDENTIAL_TYPE);
	});

	test("n8n's credential test passes with the simulator's keys", async () => {
		const result = await n8n.client.testCredential(credential, credentialData(DEFAULT_API_KEY, DEFAULT_SECRET_KEY));
		expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
		expect(simulator.requestsTo('GetBalance_json')).toHaveLength(1);

		// The public API's credential test (stored values) exists from n8n 2.x; n8n 1.x answers 404.
		if (n8n.n8nVersion.startsWith('1.')) {
			await expect(n8n.client.testCredentialById(credential.id)).rejects.toThrow(/answered 404/);
		} else {
			const stored = await n8n.client.testCredentialById(credential.id);
			expect(stored.status).toBe('OK');
		}
	});

	test("n8n's credential test fails with wrong keys with eSMS's reason (code 101)", async () => {
		const result = await n8n.client.testCredential(credential, credentialData(WRONG_API_KEY, WRONG_SECRET_KEY));
		expect(result).toEqual({
			status: 'Error',
			message:
				'eSMS error 101: Wrong ApiKey or SecretKey. Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.',
		});
		expect([WRONG_API_KEY, WRONG_SECRET_KEY].some((key) => result.message.includes(key))).toBe(false);
		const [request] = simulator.requestsTo('GetBalance_json');
		expect(request.code).toBe('101');
	});

	test("n8n's credential test fails for an account that cannot place calls (143) with eSMS's reason", async () => {
		// The right keys of a locked (or not yet activated) account: eSMS answers 143 to everything.
		const locked = new EsmsSimulator({ quiet: true, accountCode: '143' });
		await locked.start();
		try {
			const data = { ...credentialData(DEFAULT_API_KEY, DEFAULT_SECRET_KEY), restBaseUrl: locked.restBaseUrl, voiceBaseUrl: locked.voiceBaseUrl };
			const result = await n8n.client.testCredential(credential, data);
			expect(result).toEqual({
				status: 'Error',
				message:
					'eSMS error 143: The account is not activated, or it is locked. Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.',
			});
			expect(locked.requests.map((r) => [r.method, r.host, r.endpoint, r.code])).toEqual([['POST', 'rest', 'GetBalance_json', '143']]);
		} finally {
			await locked.stop();
		}
	});

	test("n8n's credential test fails when the REST Base URL answers something that is not eSMS's", async () => {
		simulator.injectFault({ kind: 'html', endpoint: 'GetBalance_json', times: 1 });
		const result = await n8n.client.testCredential(credential, credentialData(DEFAULT_API_KEY, DEFAULT_SECRET_KEY));
		expect(result).toEqual({
			status: 'Error',
			message:
				'The answer to GetBalance_json is not from eSMS (it has no CodeResponse). Check the REST Base URL (leave "Use Custom Base URLs" off to reach eSMS itself) and any proxy in between.',
		});
		expect(simulator.requestsTo('GetBalance_json')).toHaveLength(1);
	});

	test('a webhook-started workflow gets the balance through the eSMS Voice node', async () => {
		const path = uniquePath('esms-balance');
		const workflow = await n8n.client.createWorkflow(
			webhookToEsms('e2e: balance', path, { resource: 'account', operation: 'getBalance' }, credential),
		);
		await n8n.client.activateWorkflow(workflow.id);
		try {
			const response = await n8n.client.callWebhook(path);
			expect(response.status).toBe(200);

			const [execution] = await n8n.client.waitForExecutions(workflow.id, 1);
			expect(execution.status).toBe('success');
			const items = nodeOutput(execution, ESMS_NODE);
			expect(items).toHaveLength(1);
			expect(items[0].balance).toBe(simulator.balance);
			expect(response.body).toEqual(expect.objectContaining({ balance: simulator.balance }));

			const requests = simulator.requestsTo('GetBalance_json');
			expect(requests).toHaveLength(1);
			expect(requests[0].code).toBe('100');
			const stored = JSON.stringify(execution.data);
			expect([DEFAULT_API_KEY, DEFAULT_SECRET_KEY].some((key) => stored.includes(key))).toBe(false);
		} finally {
			await n8n.client.deactivateWorkflow(workflow.id).catch(() => undefined);
		}
	});

	test("no eSMS key ever appears in n8n's output", () => {
		const logs = n8n.logs();
		expect(logs.length).toBeGreaterThan(0);
		for (const secret of [DEFAULT_API_KEY, DEFAULT_SECRET_KEY, WRONG_API_KEY, WRONG_SECRET_KEY]) {
			expect(logs.includes(secret)).toBe(false);
		}
	});
});
