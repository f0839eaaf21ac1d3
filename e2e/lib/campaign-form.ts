// The spreadsheet campaign's outside: an XLSX written by a spreadsheet library (SheetJS, the one
// n8n's own Extract From File reads with), and the n8n Form as a browser submits it — multipart
// POST, then the waiting page's status polls, the ending page, and its POST that lets the workflow
// go on (form-trigger.handlebars and form-trigger-completion.handlebars do exactly this).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { chromium } from 'playwright-core';

import { resolveRuntime } from './runtime';
import { poll } from './util';

interface SheetJs {
	utils: { aoa_to_sheet(rows: unknown[][]): unknown; book_new(): unknown; book_append_sheet(book: unknown, sheet: unknown, name: string): void };
	write(book: unknown, options: { type: 'buffer'; bookType: 'xlsx' }): Buffer;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An XLSX file with a header row; numbers stay numeric cells, as Excel stores typed phone numbers. */
export function xlsxFile(header: string[], rows: unknown[][]): Buffer {
	// n8n 2.x ships SheetJS as @e965/xlsx, n8n 1.x as xlsx.
	const requireFromN8n = createRequire(path.join(resolveRuntime().n8nDir, 'package.json'));
	let XLSX: SheetJs;
	try {
		XLSX = requireFromN8n('@e965/xlsx') as SheetJs;
	} catch {
		XLSX = requireFromN8n('xlsx') as SheetJs;
	}
	const book = XLSX.utils.book_new();
	XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([header, ...rows]), 'Customers');
	return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' });
}

export interface UploadedFile {
	name: string;
	type: string;
	content: Buffer | string;
}

export interface FormResult {
	/** The ending page's HTML (what the browser shows). */
	endingPage: string;
	/** The execution's id (from the waiting URL). */
	executionId: string;
}

/** The form's fields in its order: text, or a file (`field-<index>`, as n8n's form page names them). */
export async function submitForm(formUrl: string, fields: Array<string | UploadedFile>): Promise<FormResult> {
	const body = new FormData();
	fields.forEach((field, index) => {
		if (typeof field === 'string') body.append(`field-${index}`, field);
		else body.append(`field-${index}`, new Blob([field.content], { type: field.type }), field.name);
	});
	const response = await fetch(formUrl, { method: 'POST', body });
	const text = await response.text();
	if (response.status !== 200) throw new Error(`the form answered ${response.status}: ${text.slice(0, 300)}`);
	const { formWaitingUrl } = JSON.parse(text) as { formWaitingUrl?: string };
	if (!formWaitingUrl) throw new Error(`the form gave no waiting URL: ${text.slice(0, 300)}`);
	const waiting = new URL(formWaitingUrl);
	const statusUrl = new URL(waiting);
	statusUrl.pathname += '/n8n-execution-status';
	const status = await poll(
		async () => {
			// As n8n's own form page polls: only these end the wait ("waiting" comes before
			// "form-waiting" on n8n 1.x while the ending page's execution is being saved).
			const state = (await (await fetch(statusUrl)).text()).trim();
			return ['form-waiting', 'canceled', 'crashed', 'error', 'success', 'null'].includes(state) ? state : undefined;
		},
		{ timeoutMs: 120_000, intervalMs: 300, what: 'the form execution to reach its ending page' },
	);
	if (status !== 'form-waiting') throw new Error(`the form execution ended "${status}" before its ending page`);
	const endingPage = await (await fetch(waiting)).text();
	// The ending page's own script: a POST that tells n8n the page was shown.
	const resumed = await fetch(waiting, { method: 'POST', body: '{}' });
	await resumed.arrayBuffer();
	return { endingPage, executionId: waiting.pathname.split('/').filter(Boolean).at(-1)! };
}

/** The text of an HTML page without tags and with entities of the status page decoded. */
export function pageText(html: string): string {
	return html
		.replace(/<style[\s\S]*?<\/style>/g, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&amp;/g, '&')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/\s+/g, ' ')
		.trim();
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * One campaign's table on the status page as headless Chromium renders it (label's English part →
 * value), and whether its progress bar was drawn.
 */
export async function renderedStatusSection(url: string, campaign: string): Promise<{ rows: Record<string, string>; barParts: number }> {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run bash scripts/ensure-chromium.sh (or set CHROMIUM_PATH)`);
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
	try {
		const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
		await page.goto(url, { waitUntil: 'load' });
		const section = page.locator(`section[data-campaign="${campaign}"]`);
		// innerText: the text as laid out on screen (tsconfig has no DOM types, hence the shape).
		type Cell = { innerText: string } | null;
		type TableRow = { querySelector(selector: string): Cell };
		const pairs = await section
			.locator('tr')
			.evaluateAll((rows) => (rows as unknown as TableRow[]).map((row) => [row.querySelector('th')?.innerText ?? '', row.querySelector('td')?.innerText ?? '']));
		const barParts = await section.locator('svg rect').count();
		return { rows: Object.fromEntries(pairs.map(([label, value]) => [label.split(' / ')[0].trim(), value.trim()])), barParts };
	} finally {
		await browser.close();
	}
}

/** One campaign's table on the status page: label (English part) → value. */
export function statusSection(html: string, campaign: string): Record<string, string> {
	const start = html.indexOf(`<section data-campaign="${campaign}">`);
	if (start < 0) throw new Error(`the status page has no campaign ${campaign}`);
	const section = html.slice(start, html.indexOf('</section>', start));
	return Object.fromEntries([...section.matchAll(/<tr><th>([^<]*)<\/th><td[^>]*>([^<]*)<\/td><\/tr>/g)].map((m) => [pageText(m[1]).split(' / ')[0], pageText(m[2])]));
}
