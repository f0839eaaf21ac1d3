// Editor screenshots for the README: docs/images/*.png, taken from a real n8n (the `npm run dev`
// environment: simulator, n8n 2.41.1 with this package, owner, credential, examples) in headless Chromium.
//   npm run build && bash scripts/ensure-runtime.sh --quiet && node scripts/run-ts.js scripts/screenshots.ts [--only a,b] [--verbose]
// Needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; CHROMIUM_PATH to use another)
// and the devDependency playwright-core (no browser download). Everything runs on free ports and is
// stopped at the end, also on failure or Ctrl-C.
// --only takes screenshot names without .png (e.g. --only credential,node-get-status).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { PROJECT_ROOT } from '../e2e/lib/runtime';
import { freePort, poll } from '../e2e/lib/util';
import { esmsNode } from '../e2e/lib/workflows';
import { DevEnvironment, OWNER, type ImportedWorkflow } from './dev';

const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };
const MAX_PNG_BYTES = 400 * 1024;
const verbose = process.argv.includes('--verbose');
const only = argValue('--only')?.split(',').map((name) => name.trim().replace(/\.png$/, ''));

const EXAMPLES = {
	callAndWait: 'call-and-wait-then-branch.json',
	byKey: 'call-result-by-key.json',
	order: 'order-confirmation-call.json',
};

function argValue(flag: string): string | undefined {
	const index = process.argv.indexOf(flag);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

function log(line: string): void {
	console.log(`[screenshots] ${line}`);
}

// ---------------------------------------------------------------------------------------- browser

async function launch(): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
	selectors.setTestIdAttribute('data-test-id'); // n8n's attribute (Playwright's default is data-testid)
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-screenshots-chromium-'));
	const removeDir = (): void => fs.rmSync(userDataDir, { recursive: true, force: true });
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true, // Playwright adds --headless
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'Asia/Ho_Chi_Minh',
			colorScheme: 'light',
			reducedMotion: 'reduce',
		});
	} catch (error) {
		removeDir();
		throw error;
	}
	context.setDefaultTimeout(30_000);
	const page = context.pages()[0] ?? (await context.newPage());
	if (verbose) {
		page.on('console', (message) => {
			if (message.type() === 'error') log(`browser console: ${message.text().slice(0, 300)}`);
		});
	}
	let closed = false;
	const close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		await context.close().catch((error: unknown) => log(`closing Chromium: ${(error as Error).message}`));
		removeDir();
	};
	return { context, page, close };
}

async function signIn(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'networkidle' });
	await page.locator('input[name="emailOrLdapLoginId"]').fill(OWNER.email);
	await page.locator('input[name="password"]').fill(OWNER.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	await page.waitForLoadState('networkidle');
}

/** Fonts loaded, no network traffic left, the mouse out of the way (no hover toolbars). */
async function settle(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
	await page.evaluate('document.fonts.ready.then(() => true)');
	await page.mouse.move(VIEWPORT.width - 2, 2);
}

/**
 * Closes what n8n puts over the editor on its own: the "Production Checklist" popover (opened once per
 * published workflow), toasts, and any modal dialog other than the ones in `keep` (data-test-id).
 */
async function dismissPopups(page: Page, keep: string[] = []): Promise<void> {
	for (let round = 0; round < 5; round++) {
		let closedSomething = false;
		const checklist = page.getByTestId('suggested-actions-close');
		if (await checklist.isVisible()) {
			await checklist.click();
			await checklist.waitFor({ state: 'hidden' });
			closedSomething = true;
		}
		for (const button of await page.locator('.el-notification .el-notification__closeBtn').all()) {
			if (await button.isVisible()) {
				await button.click();
				closedSomething = true;
			}
		}
		for (const dialog of await page.locator('.el-overlay .el-dialog').all()) {
			if (!(await dialog.isVisible())) continue;
			const testId = await dialog.getAttribute('data-test-id');
			if (testId && keep.includes(testId)) continue;
			if (keep.length && (await dialog.locator(keep.map((id) => `[data-test-id="${id}"]`).join(', ')).count())) continue;
			log(`closing a modal (${testId ?? 'no data-test-id'})`);
			const close = dialog.locator('.el-dialog__headerbtn');
			if (await close.isVisible()) await close.click();
			else await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
			closedSomething = true;
		}
		if (!closedSomething) return;
	}
}

/** The checklist popover appears shortly after a published workflow first opens: give it a moment. */
async function waitForChecklist(page: Page, timeoutMs = 3000): Promise<void> {
	await page
		.getByTestId('suggested-actions-close')
		.waitFor({ state: 'visible', timeout: timeoutMs })
		.catch(() => undefined);
}

async function save(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
	const file = path.join(OUT_DIR, `${name}.png`);
	const rounded = clip && {
		x: Math.max(0, Math.floor(clip.x)),
		y: Math.max(0, Math.floor(clip.y)),
		width: Math.ceil(clip.width),
		height: Math.ceil(clip.height),
	};
	await page.screenshot({ path: file, clip: rounded, animations: 'disabled', caret: 'hide' });
	const size = fs.statSync(file).size;
	log(`${path.relative(PROJECT_ROOT, file)} (${(size / 1024).toFixed(0)} KB)`);
	if (size > MAX_PNG_BYTES) throw new Error(`${name}.png is ${(size / 1024).toFixed(0)} KB (limit ${MAX_PNG_BYTES / 1024} KB)`);
}

// ---------------------------------------------------------------------------------------- editor

async function openWorkflow(page: Page, baseUrl: string, workflow: { id: string; nodeCount: number }): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflow.id}`, { waitUntil: 'networkidle' });
	await poll(async () => ((await page.getByTestId('canvas-node').count()) >= workflow.nodeCount ? true : undefined), {
		timeoutMs: 30_000,
		what: `${workflow.nodeCount} nodes on the canvas of workflow ${workflow.id}`,
	});
}

/** Opens a node's panel (NDV) by URL: /workflow/<id>/<nodeId>. */
async function openNode(page: Page, baseUrl: string, workflowId: string, nodeId: string, nodeName: string): Promise<Locator> {
	await page.goto(`${baseUrl}/workflow/${workflowId}/${nodeId}`, { waitUntil: 'networkidle' });
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor({ state: 'visible' });
	await ndv.getByTestId('node-parameters').waitFor({ state: 'visible' });
	const title = (await ndv.getByTestId('node-title-container').innerText()).trim();
	if (title !== nodeName) throw new Error(`the open panel is "${title}", expected "${nodeName}"`);
	return ndv;
}

async function selectValue(ndv: Locator, parameter: string): Promise<string> {
	return await ndv.getByTestId(`parameter-input-${parameter}`).locator('input').first().inputValue();
}

async function expectSelect(ndv: Locator, parameter: string, expected: string): Promise<void> {
	const value = await selectValue(ndv, parameter);
	if (value !== expected) throw new Error(`parameter ${parameter} shows "${value}", expected "${expected}"`);
}

async function expectSwitchOn(ndv: Locator, parameter: string): Promise<void> {
	const input = ndv.getByTestId(`parameter-input-${parameter}`);
	await input.waitFor({ state: 'visible' });
	const on = await input.locator('.el-switch').evaluate((el) => el.classList.contains('is-checked'));
	if (!on) throw new Error(`switch ${parameter} is off`);
}

/**
 * Screenshot of the node's parameter panel (the middle column of the NDV). When the parameters
 * scroll, the window is made taller for this one picture so that the whole list shows.
 */
async function savePanel(page: Page, ndv: Locator, name: string): Promise<void> {
	const list = ndv.getByTestId('node-parameters');
	const overflow = await list.evaluate((el) => el.scrollHeight - el.clientHeight);
	if (overflow > 0) {
		await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(VIEWPORT.height + overflow + 24, 2400) });
		await poll(async () => ((await list.evaluate((el) => el.scrollHeight - el.clientHeight)) <= 1 ? true : undefined), {
			timeoutMs: 5000,
			what: 'the parameter list to fit the taller window',
		}).catch(() => undefined);
	}
	try {
		await dismissPopups(page, ['ndv']);
		await settle(page);
		const panel = await ndv.locator('.node-settings').boundingBox();
		if (!panel) throw new Error('the parameter panel has no box');
		// down to the last parameter (not the empty space and the "I wish this node would…" link below)
		const contentBottom = await list.evaluate((root) => {
			let bottom = 0;
			for (const el of root.querySelectorAll('[data-test-id="parameter-item"], [data-test-id="collection-parameter-add"], .webhooks')) {
				const rect = el.getBoundingClientRect();
				if (rect.height > 0) bottom = Math.max(bottom, rect.bottom);
			}
			return bottom;
		});
		const bottom = contentBottom > panel.y ? Math.min(panel.y + panel.height, contentBottom + 20) : panel.y + panel.height;
		await save(page, name, { ...panel, height: bottom - panel.y });
	} finally {
		if (overflow > 0) await page.setViewportSize(VIEWPORT);
	}
}

// ---------------------------------------------------------------------------------------- shots

interface Context {
	page: Page;
	baseUrl: string;
	env: DevEnvironment;
	scratch: { id: string; nodes: Record<'template' | 'otp' | 'status', { id: string; name: string }> };
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

const SHOTS: Shot[] = [
	{
		name: 'canvas-order-call-and-wait',
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, EXAMPLES.callAndWait);
			const nodeCount = workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').length;
			await openWorkflow(page, baseUrl, { id: workflow.id, nodeCount });
			await waitForChecklist(page);
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
			await save(page, 'canvas-order-call-and-wait');
		},
	},
	{
		name: 'node-make-call',
		take: async ({ page, baseUrl, env }) => {
			const workflow = example(env, EXAMPLES.order);
			const node = exampleNode(workflow, 'Call customer');
			const ndv = await openNode(page, baseUrl, workflow.id, node.id, node.name);
			await expectSelect(ndv, 'operation', 'Make Call');
			await expectSwitchOn(ndv, 'forwardOnKeyPress');
			await savePanel(page, ndv, 'node-make-call');
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
			await creator.getByText('Actions (7)', { exact: true }).click();
			await creator.getByText('Make a call from a recording', { exact: true }).waitFor({ state: 'visible' });
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

/** One workflow with an eSMS Voice node per operation that no example uses. */
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
	const main = [template, otp, status].map((node) => ({ node: node.name as string, type: 'main', index: 0 }));
	const created = await env.client!.createWorkflow({
		name: 'eSMS Voice operations (screenshots)',
		nodes: [trigger, template, otp, status],
		connections: { [trigger.name]: { main: [main] } },
		settings: { executionOrder: 'v1' },
	});
	const ref = (node: Record<string, unknown>): { id: string; name: string } => ({ id: node.id as string, name: node.name as string });
	return { id: created.id, nodes: { template: ref(template), otp: ref(otp), status: ref(status) } };
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

		browser = await launch();
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
