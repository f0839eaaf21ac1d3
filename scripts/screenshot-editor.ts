// The browser and editor helpers of scripts/screenshots.ts: headless Chromium signed in to n8n, the
// canvas and the node panel (NDV) found by n8n's data-test-id attributes, PNGs saved under a size limit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { PROJECT_ROOT } from '../e2e/lib/runtime';
import { poll } from '../e2e/lib/util';
import { OWNER } from './dev';

export const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'images');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };
const MAX_PNG_BYTES = 400 * 1024;

export function log(line: string): void {
	console.log(`[screenshots] ${line}`);
}

// ---------------------------------------------------------------------------------------- browser

export async function launch(verbose: boolean): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
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

export async function signIn(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'networkidle' });
	await page.locator('input[name="emailOrLdapLoginId"]').fill(OWNER.email);
	await page.locator('input[name="password"]').fill(OWNER.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	await page.waitForLoadState('networkidle');
}

/** Fonts loaded, no network traffic left, the mouse out of the way (no hover toolbars). */
export async function settle(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
	await page.evaluate('document.fonts.ready.then(() => true)');
	await page.mouse.move(VIEWPORT.width - 2, 2);
}

/**
 * Closes what n8n puts over the editor on its own: the "Production Checklist" popover (opened once per
 * published workflow), toasts, and any modal dialog other than the ones in `keep` (data-test-id).
 */
export async function dismissPopups(page: Page, keep: string[] = []): Promise<void> {
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
export async function waitForChecklist(page: Page, timeoutMs = 3000): Promise<void> {
	await page
		.getByTestId('suggested-actions-close')
		.waitFor({ state: 'visible', timeout: timeoutMs })
		.catch(() => undefined);
}

export async function save(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
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

export async function openWorkflow(page: Page, baseUrl: string, workflow: { id: string; nodeCount: number }): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflow.id}`, { waitUntil: 'networkidle' });
	await poll(async () => ((await page.getByTestId('canvas-node').count()) >= workflow.nodeCount ? true : undefined), {
		timeoutMs: 30_000,
		what: `${workflow.nodeCount} nodes on the canvas of workflow ${workflow.id}`,
	});
}

/** Opens a node's panel (NDV) by URL: /workflow/<id>/<nodeId>. */
export async function openNode(page: Page, baseUrl: string, workflowId: string, nodeId: string, nodeName: string): Promise<Locator> {
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

export async function expectSelect(ndv: Locator, parameter: string, expected: string): Promise<void> {
	const value = await selectValue(ndv, parameter);
	if (value !== expected) throw new Error(`parameter ${parameter} shows "${value}", expected "${expected}"`);
}

export async function expectSwitchOn(ndv: Locator, parameter: string): Promise<void> {
	const input = ndv.getByTestId(`parameter-input-${parameter}`);
	await input.waitFor({ state: 'visible' });
	const on = await input.locator('.el-switch').evaluate((el) => el.classList.contains('is-checked'));
	if (!on) throw new Error(`switch ${parameter} is off`);
}

/**
 * Screenshot of the node's parameter panel (the middle column of the NDV). When the parameters
 * scroll, the window is made taller for this one picture so that the whole list shows.
 */
export async function savePanel(page: Page, ndv: Locator, name: string): Promise<void> {
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
