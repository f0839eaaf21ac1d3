// The trigger's protection in a real n8n: an IP Allowlist that would surprise fails the workflow's
// activation with its reasons; behind a reverse proxy the allowlist reads the address n8n derives
// from N8N_PROXY_HOPS (Express "trust proxy"): the right value works, a value higher than the real
// number of proxies lets a sender forge X-Forwarded-For, and a proxy sending only X-Real-IP makes
// every callback 403. A second n8n is started with N8N_PROXY_HOPS=1; the shared one has it unset.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import { CALLER_ID } from '../simulator/src';
import { N8nError, type N8nClient } from './lib/n8n-client';
import { noOpNode, triggerNode, triggerUrl } from './lib/nodes';
import { Scenario } from './lib/scenario';
import { startInstance, type StartedInstance } from './lib/shared';
import { poll, StopPolling } from './lib/util';
import { chain } from './lib/workflows';

/** The sender the allowlist names (standing in for eSMS's address) and another one. */
const ESMS_IP = '198.51.100.7';
const STRANGER_IP = '198.51.100.9';
const FORBIDDEN = JSON.stringify({ error: 'This address is not allowed to send eSMS callbacks' });

/**
 * A reverse proxy on loopback in front of n8n. "nginx" appends the client's address to
 * X-Forwarded-For like `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`; "realIpOnly"
 * sends only `X-Real-IP $remote_addr`. Everything runs on 127.0.0.1, so the proxy is told which
 * address its client has (`clientIp`), as if the request came from the internet.
 */
class ReverseProxy {
	clientIp = ESMS_IP;
	private readonly server: http.Server;
	url = '';

	constructor(
		private readonly upstream: string,
		private readonly style: 'nginx' | 'realIpOnly',
	) {
		this.server = http.createServer((request, response) => {
			const headers = { ...request.headers };
			delete headers['x-forwarded-for'];
			delete headers['x-real-ip'];
			if (this.style === 'nginx') {
				const incoming = request.headers['x-forwarded-for'];
				headers['x-forwarded-for'] = incoming ? `${String(incoming)}, ${this.clientIp}` : this.clientIp;
			} else {
				headers['x-real-ip'] = this.clientIp;
			}
			const target = new URL(request.url ?? '/', this.upstream);
			const forward = http.request(target, { method: request.method, headers }, (answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			});
			forward.on('error', () => response.writeHead(502).end());
			request.pipe(forward);
		});
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
		return this;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

async function send(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
	const response = await fetch(url, { headers });
	return { status: response.status, text: await response.text() };
}

const finalResult = () =>
	`ReferenceId=${randomUUID()}&CallDuration=13&CallStatus=ANSWERED&Ivr=1&Price=500.0000&SentResult=1&CID=${CALLER_ID}&SendStatus=5`;

/** A published trigger workflow allowing only ESMS_IP; answers its production URL path. */
async function allowlistedTrigger(client: N8nClient, label: string, ids: string[]): Promise<string> {
	const webhookId = randomUUID();
	const { id } = await client.createWorkflow(
		chain(`e2e protection: ${label}`, [triggerNode(webhookId, { onlyFinal: true, options: { ipAllowlist: ESMS_IP, ignoreRepeats: false } }), noOpNode('Result')]),
	);
	ids.push(id);
	await client.activateWorkflow(id);
	return new URL(triggerUrl('http://n8n', webhookId)).pathname;
}

/**
 * Why publishing failed, as the editor is told. n8n 2.x publishes in the background (its
 * publication outbox retries, then reports "failed" with the error, shown in the editor);
 * n8n 1.x activates at once and answers the activation request with the error.
 */
async function activationFailure(client: N8nClient, workflowId: string): Promise<string> {
	try {
		await client.activateWorkflow(workflowId);
	} catch (error) {
		if (error instanceof N8nError && error.status === 400) {
			try {
				return String((JSON.parse(error.body) as { message?: unknown }).message);
			} catch {
				return error.body;
			}
		}
		throw error;
	}
	interface Status {
		status: string;
		triggers: Array<{ status: string; errorMessage: string | null }>;
	}
	return await poll(
		async () => {
			const answer = await client.rest<{ data?: Status } & Partial<Status>>('GET', `/rest/workflows/${workflowId}/publication-status`);
			const status = (answer.data ?? answer) as Status;
			if (status.status === 'published') throw new StopPolling('the workflow was published');
			return status.status === 'failed' ? status.triggers.map((trigger) => trigger.errorMessage ?? '').join('\n') : undefined;
		},
		{ timeoutMs: 60_000, intervalMs: 500, what: 'n8n to report the publication as failed' },
	);
}

/** The webhook is registered a moment after publishing: retry while n8n answers 404. */
async function sendWhenRegistered(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
	for (let attempt = 0; ; attempt++) {
		const answer = await send(url, headers);
		if (answer.status !== 404 || attempt >= 50) return answer;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe('IP Allowlist in a real n8n', () => {
	let scenario: Scenario;
	let hops1: StartedInstance | undefined;
	const hops1Workflows: string[] = [];
	const proxies: ReverseProxy[] = [];

	beforeAll(async () => {
		scenario = await Scenario.connect();
	});

	afterAll(async () => {
		for (const proxy of proxies) await proxy.stop();
		for (const id of hops1Workflows) await hops1?.client.deactivateWorkflow(id).catch(() => undefined);
		await hops1?.handle.stop();
		await scenario?.close();
	});

	test('an allowlist that would surprise: publishing fails with the reason, nothing listens', async () => {
		const cases = [
			['10.1.2.3/0', 'IP Allowlist: "10.1.2.3/0" would allow every IPv4 address; write 0.0.0.0/0 if that is what you mean'],
			[' , , ', 'IP Allowlist: the list has separators but no address; leave it empty to allow any sender'],
		];
		// Side by side: n8n 2.x retries a failing publication for about 15 s before it reports it.
		await Promise.all(
			cases.map(async ([ipAllowlist, reason]) => {
				const webhookId = randomUUID();
				const workflow = chain(`e2e protection: invalid ${ipAllowlist.trim()}`, [
					triggerNode(webhookId, { onlyFinal: true, options: { ipAllowlist } }),
					noOpNode('Result'),
				]);
				const { id } = await scenario.client.createWorkflow(workflow);
				scenario.workflowIds.push(id);
				expect(await activationFailure(scenario.client, id)).toContain(reason);
				const answer = await send(`${triggerUrl(scenario.baseUrl, webhookId)}?${finalResult()}`);
				expect(answer.status).toBe(404);
			}),
		);
	});

	test('host bits set: publishing works; n8n logs a warning naming the range', async () => {
		const webhookId = randomUUID();
		await scenario.workflow(
			chain('e2e protection: host bits', [triggerNode(webhookId, { onlyFinal: true, options: { ipAllowlist: '127.0.0.1/8' } }), noOpNode('Result')]),
		);
		const warning = 'eSMS Voice Trigger: IP allowlist: "127.0.0.1/8" has host bits set: it is read as the range 127.0.0.0/8';
		await poll(async () => (scenario.n8n.logs().includes(warning) ? true : undefined), { timeoutMs: 20_000, what: 'the host-bits warning' });
		const answer = await sendWhenRegistered(`${triggerUrl(scenario.baseUrl, webhookId)}?${finalResult()}`);
		expect(answer.status).toBe(200);
	});

	test('N8N_PROXY_HOPS unset: X-Forwarded-For is ignored, so behind a proxy every callback is 403', async () => {
		const ids: string[] = [];
		const path = await allowlistedTrigger(scenario.client, 'hops unset', ids);
		scenario.workflowIds.push(...ids);
		const direct = await sendWhenRegistered(`${scenario.baseUrl}${path}?${finalResult()}`, { 'X-Forwarded-For': ESMS_IP });
		expect([direct.status, direct.text]).toEqual([403, FORBIDDEN]);
		const proxy = await new ReverseProxy(scenario.baseUrl, 'nginx').start();
		proxies.push(proxy);
		proxy.clientIp = ESMS_IP;
		const proxied = await send(`${proxy.url}${path}?${finalResult()}`);
		expect([proxied.status, proxied.text]).toEqual([403, FORBIDDEN]);
	});

	describe('N8N_PROXY_HOPS=1', () => {
		let path = '';
		let nginx: ReverseProxy;

		beforeAll(async () => {
			hops1 = await startInstance({ env: { N8N_PROXY_HOPS: '1' } });
			path = await allowlistedTrigger(hops1.client, 'hops 1', hops1Workflows);
			nginx = await new ReverseProxy(hops1.handle.baseUrl, 'nginx').start();
			proxies.push(nginx);
		}, 120_000);

		test('behind one proxy (the right value): the client address is read; a forged X-Forwarded-For is not', async () => {
			nginx.clientIp = ESMS_IP;
			const fromEsms = await sendWhenRegistered(`${nginx.url}${path}?${finalResult()}`);
			expect(fromEsms.status).toBe(200);

			// A stranger claims to be eSMS: the proxy appends the stranger's real address, n8n reads that one.
			nginx.clientIp = STRANGER_IP;
			const forged = await send(`${nginx.url}${path}?${finalResult()}`, { 'X-Forwarded-For': ESMS_IP });
			expect([forged.status, forged.text]).toEqual([403, FORBIDDEN]);
		});

		test('hops higher than the real number of proxies (here: no proxy at all): X-Forwarded-For is forged', async () => {
			const forged = await sendWhenRegistered(`${hops1!.handle.baseUrl}${path}?${finalResult()}`, { 'X-Forwarded-For': ESMS_IP });
			expect(forged.status).toBe(200);
		});

		test('a proxy that sends only X-Real-IP: n8n sees the proxy address, every callback is 403', async () => {
			const realIpOnly = await new ReverseProxy(hops1!.handle.baseUrl, 'realIpOnly').start();
			proxies.push(realIpOnly);
			realIpOnly.clientIp = ESMS_IP;
			const answer = await sendWhenRegistered(`${realIpOnly.url}${path}?${finalResult()}`);
			expect([answer.status, answer.text]).toEqual([403, FORBIDDEN]);
		});
	});
});
