// Editor screenshots for the README: docs/images/*.png, taken from a real n8n (the `npm run dev`
// environment: simulator, n8n 2.41.1 with this package, owner, credential, examples) in headless Chromium.
//   npm run build && bash scripts/ensure-runtime.sh --quiet && node scripts/run-ts.js scripts/screenshots.ts [--only a,b] [--verbose]
// Needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; CHROMIUM_PATH to use another)
// and the devDependency playwright-core (no browser download). Everything runs on free ports and is
// stopped at the end, also on failure or Ctrl-C. Browser and editor helpers: scripts/screenshot-editor.ts.
// --only takes screenshot names without .png (e.g. --only credential,node-get-status).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Page } from 'playwright-core';

import { submitForm } from '../e2e/lib/campaign-form';
import { PROJECT_ROOT } from '../e2e/lib/runtime';
import { freePort, poll } from '../e2e/lib/util';
import { esmsNode } from '../e2e/lib/workflows';
import { DevEnvironment, OWNER, type ImportedWorkflow } from './dev';
import {
	CHROMIUM,
	OUT_DIR,
	dismissPopups,
	expectSelect,
	expectSwitchOn,
	launch,
	log,
	openNode,
	openWorkflow,
	save,
	savePanel,
	settle,
	signIn,
	waitForChecklist,
} from './screenshot-editor';

const verbose = process.argv.includes('--verbose');
const only = argValue('--only')?.split(',').map((name) => name.trim().replace(/\.png$/, ''));

const EXAMPLES = {
	callAndWait: 'call-and-wait-then-branch.json',
	byKey: 'call-result-by-key.json',
	agent: 'ai-agent-voice-calls.json',
	campaign: 'campaign-from-spreadsheet.json',
};

function argValue(flag: string): string | undefined {
	const index = process.argv.indexOf(flag);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

// ---------------------------------------------------------------------------------------- shots

interface Context {
	page: Page;
	baseUrl: string;
	env: DevEnvironment;
	scratch: { id: string; nodes: Record<'makeCall' | 'template' | 'otp' | 'status', { id: string; name: string }> };
}

function example(env: DevEnvironment, file: string): ImportedWorkflow {
	const workflow = env.imported.find((w) => w.file === file);
	if (!workflow) throw new Error(`examples/${file} was not imported (see the log above)`);
	return workflow;
}

function exampleNode(workflow: ImportedWorkflow, name: string): { id: string; name: string } {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node || typeof node.id !== 'string') throw new Error(`"${workflow.name}" has no node "${name}" with an id`);
	return { id: node.id, name };
}

interface Shot {
	name: string;
	take: (ctx: Context) => Promise<void>;
}

/** A node of the scratch workflow, opened and checked to show `operation`. */
function scratchShot(name: string, key: keyof Context['scratch']['nodes'], operation: string): Shot {
	return {
		name,
		take: async ({ page, baseUrl, scratch }) => {
			const node = scratch.nodes[key];
			const ndv = await openNode(page, baseUrl, scratch.id, node.id, node.name);
			await expectSelect(ndv, 'operation', operation);
			await savePanel(page, ndv, name);
		},
	};
}

/** A published or imported example on the canvas, zoomed to fit. */
function canvasShot(name: string, file: string): Shot {
	return {
		name,
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, file);
			const nodeCount = workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').length;
			await openWorkflow(page, baseUrl, { id: workflow.id, nodeCount });
			if (workflow.published) await waitForChecklist(page);
			await dismissPopups(page);
			const viewport = page.locator('.vue-flow__viewport');
			await page.getByTestId('zoom-to-fit').click();
			// zoom-to-fit animates the viewport transform: wait until it stops changing
			let last = '';
			await poll(
				async () => {
					const now = await viewport.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).transform ?? '');
					const stable = now === last;
					last = now;
					return stable ? true : undefined;
				},
				{ timeoutMs: 5000, intervalMs: 200, what: 'the canvas to stop moving' },
			);
			await dismissPopups(page);
			await settle(page);
			await save(page, name);
		},
	};
}

const SHOTS: Shot[] = [
	canvasShot('canvas-order-call-and-wait', EXAMPLES.callAndWait),
	canvasShot('canvas-ai-agent-tools', EXAMPLES.agent),
	canvasShot('canvas-campaign-from-spreadsheet', EXAMPLES.campaign),
	{
		// A small list uploaded through the campaign's form, its results in: the status page.
		name: 'campaign-status-page',
		take: async ({ page, baseUrl, env }) => {
			// Call at any hour for the picture (the example calls 08:00-17:00 Vietnam time).
			const campaign = example(env, EXAMPLES.campaign);
			const stored = await env.client!.api<{ name: string; nodes: Array<Record<string, unknown>>; connections: unknown; settings: unknown }>('GET', `/api/v1/workflows/${campaign.id}`);
			const call = stored.nodes.find((node) => node.name === 'Call')!;
			Object.assign(call.parameters as object, { callingHoursStart: '00:00', callingHoursEnd: '24:00' });
			await env.client!.deactivateWorkflow(campaign.id);
			await env.client!.api('PUT', `/api/v1/workflows/${campaign.id}`, { name: stored.name, nodes: stored.nodes, connections: stored.connections, settings: stored.settings });
			await env.client!.activateWorkflow(campaign.id);
			await poll(async () => ((await fetch(`${baseUrl}/form/esms-campaign`)).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'the campaign form' });
			const phones = ['0912345671', '912345672', '+84 912 345 680', '0912345681', '12345', '0912345671'];
			const csv = `phone,name\n${phones.map((phone, i) => `${phone},Khách ${i + 1}`).join('\n')}\n`;
			await submitForm(`${baseUrl}/form/esms-campaign`, ['khuyen-mai-12', { name: 'khach-hang.csv', type: 'text/csv', content: csv }, 'phone', '1001', '', '', 'Not advertising (order confirmation, existing debt)']);
			const statusUrl = `${baseUrl}/webhook/esms-campaign-status`;
			await poll(async () => (/Waiting for a result \/ Chờ kết quả<\/th><td[^>]*>0</.test(await (await fetch(statusUrl)).text()) ? true : undefined), {
				timeoutMs: 60_000,
				what: 'the campaign results on the status page',
			});
			await page.setViewportSize({ width: 900, height: 1000 });
			await page.goto(statusUrl);
			await settle(page);
			await save(page, 'campaign-status-page');
		},
	},
	{
		name: 'node-make-call',
		take: async ({ page, baseUrl, scratch }) => {
			const node = scratch.nodes.makeCall;
			const ndv = await openNode(page, baseUrl, scratch.id, node.id, node.name);
			await expectSelect(ndv, 'operation', 'Make Call');
			await expectSwitchOn(ndv, 'forwardOnKeyPress');
			await expectSelect(ndv, 'callingHours', 'Schedule Outside Hours');
			await savePanel(page, ndv, 'node-make-call');
		},
	},
	{
		name: 'node-make-call-tool',
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, EXAMPLES.agent);
			const node = exampleNode(workflow, 'Make Call');
			const ndv = await openNode(page, baseUrl, workflow.id, node.id, node.name);
			await expectSelect(ndv, 'operation', 'Make Call');
			await savePanel(page, ndv, 'node-make-call-tool');
		},
	},
	scratchShot('node-make-call-from-template', 'template', 'Make Call From Template'),
	scratchShot('node-send-voice-otp', 'otp', 'Send Voice OTP'),
	scratchShot('node-get-status', 'status', 'Get Status'),
	{
		name: 'node-wait-for-result',
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, EXAMPLES.callAndWait);
			const node = exampleNode(workflow, 'Call and wait');
			const ndv = await openNode(page, baseUrl, workflow.id, node.id, node.name);
			await expectSelect(ndv, 'operation', 'Make Call From Template and Wait for Result');
			await expectSwitchOn(ndv, 'limitWaitTime');
			await savePanel(page, ndv, 'node-wait-for-result');
		},
	},
	{
		name: 'trigger-production-url',
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, EXAMPLES.byKey);
			const node = exampleNode(workflow, 'eSMS Voice Trigger');
			const ndv = await openNode(page, baseUrl, workflow.id, node.id, node.name);
			const webhooks = ndv.locator('.webhooks');
			const production = webhooks.getByTestId('radio-button-production');
			if (!(await production.isVisible())) await webhooks.locator('.headline').click(); // "Webhook URLs" starts collapsed
			await production.click();
			await poll(async () => ((await production.getAttribute('aria-checked')) === 'true' ? true : undefined), {
				timeoutMs: 5000,
				what: 'the Production URL tab',
			});
			const url = (await webhooks.locator('.webhook-url').innerText()).trim();
			if (!url.includes('/webhook/') || url.includes('/webhook-test/')) throw new Error(`not the production URL: ${url}`);
			await ndv.locator('.node-settings').getByText('choose the "Production URL" tab').waitFor({ state: 'visible' });
			await savePanel(page, ndv, 'trigger-production-url');
		},
	},
	{
		name: 'node-panel-search',
		take: async ({ page, baseUrl }) => {
			// what a newcomer sees: + → search "IVR" → the eSMS Voice entry → its Node details
			await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'networkidle' });
			await dismissPopups(page);
			await page.getByTestId('canvas-add-button').click();
			const creator = page.getByTestId('node-creator');
			await creator.getByTestId('node-creator-search-bar').fill('IVR');
			const name = page.getByTestId('node-creator-item-name').getByText('eSMS Voice', { exact: true });
			await creator.getByTestId('item-iterator-item').filter({ has: name }).first().click();
			await creator.getByText('Node details', { exact: true }).waitFor({ state: 'visible' });
			await creator.getByText('Actions (8)', { exact: true }).click();
			await creator.getByText('Make a paid call that plays a recording', { exact: true }).waitFor({ state: 'visible' });
			await settle(page);
			const box = await creator.boundingBox();
			if (!box) throw new Error('the node panel has no box');
			await save(page, 'node-panel-search', box);
		},
	},
	{
		name: 'credential',
		take: async ({ page, baseUrl, env }) => {
			const credential = env.credential!;
			// the dialog tests the stored credential when it opens (against the simulator): show the outcome
			const tested = page.waitForResponse(
				(response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/rest/credentials/test',
			);
			await page.goto(`${baseUrl}/home/credentials/${credential.id}`, { waitUntil: 'networkidle' });
			const modal = page.getByTestId('editCredential-modal');
			await modal.waitFor({ state: 'visible' });
			await tested;
			await modal.getByText('Connection tested successfully').waitFor({ state: 'visible' });
			for (const key of ['apiKey', 'secretKey']) {
				const type = await modal.getByTestId(`parameter-input-${key}`).locator('input').getAttribute('type');
				if (type !== 'password') throw new Error(`credential field ${key} is a "${type}" field, expected a password field`);
			}
			await expectSwitchOn(modal, 'useCustomBaseUrls');
			await modal.getByTestId('parameter-input-voiceBaseUrl').waitFor({ state: 'visible' });
			await modal.getByTestId('parameter-input-restBaseUrl').waitFor({ state: 'visible' });
			await dismissPopups(page, ['editCredential-modal']);
			await settle(page);
			const box = await modal.boundingBox();
			if (!box) throw new Error('the credential dialog has no box');
			await save(page, 'credential', box);
		},
	},
];

/** One workflow with an eSMS Voice node (version 1.1) per operation whose panel no example shows. */
async function createScratchWorkflow(env: DevEnvironment): Promise<Context['scratch']> {
	const credential = env.credential!;
	const trigger = {
		id: randomUUID(),
		name: 'When clicking ‘Execute workflow’',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const makeCall = esmsNode(
		{
			resource: 'call',
			operation: 'makeCall',
			phone: '={{ $json.phone }}',
			recordingId: '1001',
			forwardOnKeyPress: true,
			ivrKey: '0',
			forwardTo: '02871002454',
			keyWaitSeconds: 10,
			callingHours: 'schedule',
			additionalFields: {
				callbackUrl: env.imported.find((w) => w.triggerUrl)?.triggerUrl ?? `${env.n8n!.baseUrl}/webhook/REPLACE-WITH-YOUR-TRIGGER-ID/esms-voice`,
				doNotCall: '0987654321, 0901234567',
				requestId: '=order-{{ $json.orderId }}',
			},
		},
		credential,
		'Call customer',
		[260, -200],
	);
	const template = esmsNode(
		{
			resource: 'call',
			operation: 'makeCallFromTemplate',
			phone: '={{ $json.phone }}',
			templateId: '2001',
			variables: { variable: [{ value: '={{ $json.customerName }}' }, { value: '={{ $json.orderId }}' }] },
			additionalFields: { voice: 'hatieumai', requestId: '=order-{{ $json.orderId }}' },
		},
		credential,
		'Read the order out',
		[260, 0],
	);
	const otp = esmsNode(
		{
			resource: 'call',
			operation: 'sendVoiceOtp',
			phone: '={{ $json.phone }}',
			content: '=Ma xac thuc cua ban la {{ $json.code }}',
			additionalFields: { campaign: 'Login OTP' },
		},
		credential,
		'Call the OTP',
		[260, 200],
	);
	const status = esmsNode(
		{ resource: 'call', operation: 'getStatus', referenceId: '={{ $json.referenceId }}' },
		credential,
		'Get call status',
		[260, 400],
	);
	// version 1.1, as a new node is: Calling Hours, and Get Status's If Not Found Yet = Output the Item
	const operations = [makeCall, template, otp, status].map((node): Record<string, unknown> => ({ ...node, typeVersion: 1.1 }));
	const main = operations.map((node) => ({ node: node.name as string, type: 'main', index: 0 }));
	const created = await env.client!.createWorkflow({
		name: 'eSMS Voice operations (screenshots)',
		nodes: [trigger, ...operations],
		connections: { [trigger.name]: { main: [main] } },
		settings: { executionOrder: 'v1' },
	});
	const ref = (node: Record<string, unknown>): { id: string; name: string } => ({ id: node.id as string, name: node.name as string });
	return { id: created.id, nodes: { makeCall: ref(makeCall), template: ref(template), otp: ref(otp), status: ref(status) } };
}

// ---------------------------------------------------------------------------------------- main

async function main(): Promise<number> {
	const started = Date.now();
	const shots = only ? SHOTS.filter((shot) => only.includes(shot.name)) : SHOTS;
	const unknown = (only ?? []).filter((name) => !SHOTS.some((shot) => shot.name === name));
	if (unknown.length) throw new Error(`unknown screenshot(s): ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.name).join(', ')})`);

	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	}

	const simulatorPort = await freePort();
	const n8nPort = await freePort([simulatorPort]);
	const brokerPort = await freePort([simulatorPort, n8nPort]);
	const env = new DevEnvironment({
		simulatorPort,
		n8nPort,
		brokerPort,
		logFile: path.join(PROJECT_ROOT, '.e2e-tmp', 'logs', 'n8n-screenshots.log'),
		verbose,
		log: (line) => log(line.replace(/^\[dev\] /, '')),
	});
	let browser: Awaited<ReturnType<typeof launch>> | undefined;
	let stopping: Promise<void> | undefined;
	const stopAll = (): Promise<void> =>
		(stopping ??= (async () => {
			await browser?.close();
			await env.stop();
		})());
	const onSignal = (signal: NodeJS.Signals): void => {
		log(`${signal}: stopping Chromium, n8n and the simulator…`);
		void stopAll().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		await env.start();
		const baseUrl = env.n8n!.baseUrl;
		const scratch = await createScratchWorkflow(env);
		fs.mkdirSync(OUT_DIR, { recursive: true });

		browser = await launch(verbose);
		const { page } = browser;
		await signIn(page, baseUrl);
		log(`signed in as ${OWNER.email}`);
		const context: Context = { page, baseUrl, env, scratch };
		for (const shot of shots) {
			try {
				await shot.take(context);
			} catch (error) {
				const debug = path.join(PROJECT_ROOT, '.e2e-tmp', `screenshot-failed-${shot.name}.png`);
				await page.screenshot({ path: debug }).catch(() => undefined);
				throw new Error(`${shot.name}: ${(error as Error).message}\n(page at failure: ${path.relative(PROJECT_ROOT, debug)}, url ${page.url()})`);
			}
		}
		log(`${shots.length} screenshot(s) in ${path.relative(PROJECT_ROOT, OUT_DIR)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return 0;
	} finally {
		await stopAll();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(`[screenshots] FAILED: ${(error as Error).message}`);
		process.exit(1);
	},
);
