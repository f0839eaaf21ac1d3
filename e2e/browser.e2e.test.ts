// What a newcomer does in n8n's editor, in headless Chromium (Debian's chromium, driven by
// playwright-core; scripts/ensure-chromium.sh installs it): search "IVR" in the node panel, read the
// node details, add eSMS Voice → Make Call, pick the credential, execute the step, see the output;
// a bad phone number shows the error. Also what the editor loads (/types/nodes.json) and what an
// import of an example gets (a fresh webhook ID every time).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import { EXAMPLES_DIR } from './lib/examples';
import type { WorkflowJson } from './lib/n8n-client';
import { Scenario, type SimulatorWithCredential } from './lib/scenario';
import { PROJECT_ROOT } from './lib/runtime';
import { E2E_OWNER } from './lib/shared';
import { vietnamClock } from './lib/util';
import { NODE_TYPES } from './lib/workflows';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice';
const PAIR_DESCRIPTION = 'Place automated voice calls and voice OTPs through eSMS.vn (VIHAT) and start workflows on their results';
const ACTION_DESCRIPTION = 'Place automated voice calls through eSMS.vn (VIHAT): recordings, text-to-speech, IVR and voice OTP';
const ACTIONS = [
	'Check phone numbers without calling',
	'Get the account balance',
	'Get the status of a call',
	'Make a paid call that plays a recording',
	'Make a paid call that plays a recording and wait for the result',
	'Make a paid text to speech call',
	'Make a paid text to speech call and wait for the result',
	'Send a one time code by paid voice call',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface NodeTypeJson {
	name: string;
	displayName: string;
	description: string;
	documentationUrl?: string;
	codex?: { categories?: string[]; subcategories?: Record<string, string[]>; alias?: string[]; resources?: Record<string, Array<{ url: string }>> };
}

describe('a newcomer in the n8n editor (Chromium)', () => {
	let scenario: Scenario;
	let esms: SimulatorWithCredential;
	let browser: Browser;
	let page: Page;
	const artifacts = path.join(os.tmpdir(), 'esms-browser-e2e');

	beforeAll(async () => {
		if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run bash scripts/ensure-chromium.sh (or set CHROMIUM_PATH)`);
		scenario = await Scenario.connect();
		esms = await scenario.simulator('browser newcomer', { outcomeByLastDigit: true });
		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
		page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Ho_Chi_Minh' });
		page.setDefaultTimeout(30_000);
		await page.goto(`${scenario.baseUrl}/signin`, { waitUntil: 'networkidle' });
		await page.locator('input[name="emailOrLdapLoginId"]').fill(E2E_OWNER.email);
		await page.locator('input[name="password"]').fill(E2E_OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	});

	afterEach(async () => {
		const name = expect.getState().currentTestName?.replace(/[^a-z0-9]+/gi, '-').slice(0, 80) ?? 'test';
		fs.mkdirSync(artifacts, { recursive: true });
		await page?.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => undefined);
	});

	afterAll(async () => {
		await browser?.close();
		await scenario?.close();
	});

	/** A new, empty workflow with the node panel open (what "+" does). */
	async function newWorkflowWithNodePanel(): Promise<Locator> {
		await page.goto(`${scenario.baseUrl}/workflow/new`, { waitUntil: 'networkidle' });
		await page.getByTestId('canvas-add-button').click();
		const creator = page.getByTestId('node-creator');
		await creator.waitFor({ state: 'visible' });
		return creator;
	}

	/** The panel's entries named exactly "eSMS Voice" after searching `text`. */
	async function searchNodePanel(creator: Locator, text: string): Promise<Locator> {
		await creator.getByTestId('node-creator-search-bar').fill(text);
		const name = page.getByTestId('node-creator-item-name').getByText('eSMS Voice', { exact: true });
		return creator.getByTestId('item-iterator-item').filter({ has: name });
	}

	async function openNodeDetails(): Promise<Locator> {
		const creator = await newWorkflowWithNodePanel();
		await (await searchNodePanel(creator, 'IVR')).first().click();
		await creator.getByText('Node details', { exact: true }).waitFor({ state: 'visible' });
		return creator;
	}

	test('the editor gets both nodes with their descriptions, codex and docs links (GET /types/nodes.json)', async () => {
		const types = await scenario.client.rest<NodeTypeJson[]>('GET', '/types/nodes.json');
		const action = types.find((t) => t.name === NODE_TYPES.action);
		const trigger = types.find((t) => t.name === NODE_TYPES.trigger);
		expect([action?.displayName, action?.description, action?.documentationUrl]).toEqual(['eSMS Voice', ACTION_DESCRIPTION, `${REPO}#esms-voice`]);
		expect([trigger?.displayName, trigger?.description, trigger?.documentationUrl]).toEqual([
			'eSMS Voice Trigger',
			PAIR_DESCRIPTION,
			`${REPO}#esms-voice-trigger`,
		]);
		for (const [node, docs] of [
			[action, `${REPO}#esms-voice`],
			[trigger, `${REPO}#esms-voice-trigger`],
		] as const) {
			expect(node?.codex?.categories).toEqual(['Communication']);
			expect(node?.codex?.subcategories).toEqual({ Communication: ['Voice', 'Phone'] });
			expect(node?.codex?.alias).toEqual(expect.arrayContaining(['IVR', 'OTP', 'VIHAT', 'voice call', 'phone call', 'Vietnam']));
			expect(node?.codex?.resources?.primaryDocumentation).toEqual([{ url: docs }]);
			expect(node?.codex?.resources?.credentialDocumentation).toEqual([{ url: `${REPO}#credentials` }]);
		}
	});

	test.each(['IVR', 'OTP', 'VIHAT', 'voice call', 'phone call', 'Vietnam'])('searching "%s" in the node panel finds eSMS Voice', async (text) => {
		const creator = await newWorkflowWithNodePanel();
		const item = await searchNodePanel(creator, text);
		await item.first().waitFor({ state: 'visible' });
		expect((await item.first().getByTestId('node-creator-item-name').innerText()).trim()).toBe('eSMS Voice');
		if (!scenario.client.n8nVersion?.startsWith('1.')) {
			expect((await item.first().getByTestId('node-creator-item-description').innerText()).trim()).toBe(PAIR_DESCRIPTION);
			return;
		}
		// n8n 1.123's panel shows no description under a search result of the root panel (its NodeItem
		// blanks it when the subcategory is "*"); the description is on the details page the entry opens.
		expect(await item.first().getByTestId('node-creator-item-description').count()).toBe(0);
		await item.first().click();
		await creator.getByText('Node details', { exact: true }).waitFor({ state: 'visible' });
		await creator.getByText(PAIR_DESCRIPTION, { exact: true }).waitFor({ state: 'visible' });
	});

	test('the node details page describes the pair and lists the trigger and the actions', async () => {
		const creator = await openNodeDetails();
		// the text of the details page (the search list behind it has the same text in an item)
		const details = creator.getByText(PAIR_DESCRIPTION, { exact: true }).and(page.locator(':not([data-test-id="node-creator-item-description"])'));
		await details.waitFor({ state: 'visible' });
		await creator.getByText('Triggers (1)', { exact: true }).waitFor({ state: 'visible' });
		await creator.getByText('On new eSMS Voice event', { exact: true }).waitFor({ state: 'visible' });
		await creator.getByText('Actions (8)', { exact: true }).click(); // collapsed when the workflow has no trigger yet
		for (const action of ACTIONS) await creator.getByText(action, { exact: true }).waitFor({ state: 'visible' });
	});

	test('"Report issue" opens the bugs URL the npm registry gives for the package (package.json bugs); "Docs" the npm page', async () => {
		// The registry is not reachable from the test: it answers with what `npm publish` puts there
		// (the packument's top-level bugs and homepage come from package.json).
		const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; bugs: { url: string }; homepage: string };
		expect(manifest.bugs.url).toBe(`${REPO}/issues`);
		const context = page.context();
		await context.route(`https://registry.npmjs.org/${manifest.name}`, (route) =>
			route.fulfill({ json: { name: manifest.name, bugs: manifest.bugs, homepage: manifest.homepage } }),
		);
		await context.route(`${REPO}/**`, (route) => route.fulfill({ body: 'issues' }));
		await context.route('https://www.npmjs.com/**', (route) => route.fulfill({ body: 'npm' }));
		try {
			const creator = await openNodeDetails();
			await page.waitForLoadState('networkidle');
			const popup = context.waitForEvent('page');
			await creator.getByText('Report issue', { exact: true }).click();
			const opened = await popup;
			expect(opened.url()).toBe(`${REPO}/issues`);
			await opened.close();
			// n8n's own Docs button of Node details: always the package's npm page (which shows the README)
			const docs = context.waitForEvent('page');
			await creator.getByText('Docs', { exact: true }).click();
			const npmPage = await docs;
			expect(npmPage.url()).toBe(`https://www.npmjs.com/package/${manifest.name}`);
			await npmPage.close();
		} finally {
			await context.unrouteAll({ behavior: 'ignoreErrors' });
		}
	});

	test('the trigger from the same entry: its Docs link, and a notice that says how to reach the Production URL', async () => {
		const creator = await openNodeDetails();
		await creator.getByText('On new eSMS Voice event', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await ndv.waitFor({ state: 'visible' });
		expect(await ndv.getByRole('link', { name: /Docs/ }).first().getAttribute('href')).toBe(`${REPO}#esms-voice-trigger`);
		await ndv.getByText(/^eSMS has no API to register this URL\. Click "Webhook URLs" at the top of this panel, choose the "Production URL" tab/).waitFor({ state: 'visible' });
		// and it is so: the section starts collapsed, on the Test URL tab
		const webhooks = ndv.locator('.webhooks');
		await webhooks.getByText('Webhook URLs', { exact: true }).click();
		await webhooks.getByTestId('radio-button-production').click();
		const url = (await webhooks.locator('.webhook-url').innerText()).trim();
		expect(url).toMatch(new RegExp(`^${scenario.baseUrl}/webhook/[0-9a-f-]{36}/esms-voice$`));
	});

	/** From an empty workflow: node panel → "IVR" → eSMS Voice → Make Call; the credential picked. */
	async function addMakeCall(): Promise<Locator> {
		const creator = await openNodeDetails();
		await creator.getByText('Actions (8)', { exact: true }).click();
		await creator.getByText('Make a paid call that plays a recording', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await ndv.waitFor({ state: 'visible' });
		expect(await ndv.getByTestId('parameter-input-operation').locator('input').first().inputValue()).toBe('Make Call');
		expect(await ndv.getByRole('link', { name: /Docs/ }).first().getAttribute('href')).toBe(`${REPO}#esms-voice`);
		const credentialSelect = ndv.getByTestId('node-credentials-select');
		await credentialSelect.click();
		await page.getByRole('option').filter({ hasText: esms.credential.name }).first().click();
		expect(await credentialSelect.locator('input').first().inputValue()).toBe(esms.credential.name);
		return ndv;
	}

	async function fill(ndv: Locator, parameter: string, value: string): Promise<void> {
		const input = ndv.getByTestId(`parameter-input-${parameter}`).locator('input, textarea').first();
		await input.fill(value);
		await input.press('Tab');
	}

	async function executeStep(ndv: Locator): Promise<Locator> {
		await ndv.getByTestId('node-execute-button').click();
		const output = ndv.getByTestId('output-panel');
		await output.waitFor({ state: 'visible' });
		return output;
	}

	test('Make Call from the node panel: execute the step, the output shows the placed call', async () => {
		const ndv = await addMakeCall();
		await fill(ndv, 'phone', '0912 345 671');
		await fill(ndv, 'recordingId', '1001');
		const before = esms.sim.requests.length;
		const output = await executeStep(ndv);
		await output.getByText('1 item', { exact: true }).waitFor({ state: 'visible' });
		await output.getByText('0912345671', { exact: true }).first().waitFor({ state: 'visible' }); // the table renders after the count
		const requests = esms.sim.requests.slice(before);
		expect(requests.map((r) => [r.endpoint, r.query.Phone, r.query.TemplateId])).toEqual([['MakeCallRecord_V2', '0912345671', '1001']]);
		const text = await output.innerText();
		for (const column of ['referenceId', 'alreadyPlaced', 'phone', 'requestId', 'code']) expect(text).toContain(column);
		// A node added today is version 1.1: Calling Hours 08:00 to 17:00 (Vietnam time) by default.
		const sendDate = requests[0].query.SendDate;
		const vietnam = vietnamClock(Date.now());
		const inside = vietnam.getUTCHours() >= 8 && vietnam.getUTCHours() < 17;
		if (inside) {
			expect(sendDate).toBeUndefined();
			expect(text).toMatch(/\tfalse\t0912345671\tn8n-[0-9a-f]+-0\t100/);
		} else {
			expect(sendDate).toMatch(/^\d{4}\/\d{2}\/\d{2} 08:00:00$/);
			expect(text).toContain(`\tfalse\t0912345671\t${sendDate}\toutside calling hours (08:00 to 17:00 Vietnam time, every day)\tn8n-`);
		}
	});

	test('a bad phone number: the panel shows which item, which field and what is expected; nothing is sent', async () => {
		const ndv = await addMakeCall();
		await fill(ndv, 'phone', '12345');
		await fill(ndv, 'recordingId', '1001');
		const before = esms.sim.requests.length;
		const output = await executeStep(ndv);
		await output.getByText('Item 1, field "Phone": "12345" is not a Vietnamese phone number', { exact: true }).waitFor({ state: 'visible' });
		await output.getByText(/^Expected a Vietnamese number such as 0912345678, 84912345678 or \+84 912 345 678/).waitFor({ state: 'visible' });
		expect(esms.sim.requests.length).toBe(before);
	});

	test('importing an example twice gives two different webhook IDs (none is shipped in the file)', async () => {
		const file = path.join(EXAMPLES_DIR, 'call-result-by-key.json');
		expect(fs.readFileSync(file, 'utf8')).not.toContain('webhookId');
		const ids: string[] = [];
		for (let i = 0; i < 2; i++) {
			await page.goto(`${scenario.baseUrl}/workflow/new`, { waitUntil: 'networkidle' });
			// what "⋯ → Import → From file" feeds
			await page.getByTestId('workflow-import-input').setInputFiles(file);
			await page.getByTestId('canvas-node').first().waitFor({ state: 'visible' });
			const saved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/rest/workflows');
			await page.keyboard.press('Control+s');
			const { data } = (await (await saved).json()) as { data: WorkflowJson & { id: string } };
			scenario.workflowIds.push(data.id);
			const trigger = data.nodes.find((node) => node.type === NODE_TYPES.trigger);
			ids.push(String(trigger?.webhookId));
		}
		expect(ids[0]).toMatch(UUID);
		expect(ids[1]).toMatch(UUID);
		expect(ids[0]).not.toBe(ids[1]);
	});
});
