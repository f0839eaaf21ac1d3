/**
 * `npm run bench`: every benchmark, one run, printed as tables (and written to bench/results.md).
 * Usage: npm run bench [-- --only bulk,overhead,intake,ratelimit,campaign,spreadsheet,ledger,queue,queue-faults,package] [--items N] [--callbacks N]
 *   [--queue-calls N] (the queue-mode campaign's calls; default 10000, at 100 requests/s)
 *   [--campaigns 1000@5,2000@20,5000@100] (calls@limit; default: those three)
 * With --only, the sections measured replace those of the same title in results.md; the others stay.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CAMPAIGNS, benchCampaigns } from './campaign-bench';
import { benchBulk, benchOverhead, type Row } from './engine-bench';
import { benchIntake } from './intake-bench';
import { benchLedgerSize } from './ledger-size-bench';
import { benchPackage } from './package-bench';
import { benchQueueCampaign, benchQueueFaults } from './queue-bench';
import { benchRateLimit } from './rate-limit-bench';
import { benchSpreadsheetCampaign } from './spreadsheet-bench';

const ALL = ['bulk', 'overhead', 'intake', 'ratelimit', 'campaign', 'spreadsheet', 'ledger', 'queue', 'queue-faults', 'package'];

/** results.md split at its "### " titles: the preamble, then [title, text] in order. */
function sectionsOf(text: string): { preamble: string; sections: Array<[string, string]> } {
	const parts = text.split(/\n(?=### )/);
	const preamble = parts[0].startsWith('### ') ? '' : parts.shift()!.trim();
	return { preamble, sections: parts.map((part) => [part.split('\n')[0], part.trim()]) };
}

function table(rows: Row[]): string {
	const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
	const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
	return [line(columns), line(columns.map(() => '---')), ...rows.map((row) => line(columns.map((c) => row[c] ?? '')))].join('\n');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const onlyArg = args.indexOf('--only');
	const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : ALL;
	const itemsArg = args.indexOf('--items');
	const items = itemsArg >= 0 ? Number(args[itemsArg + 1]) : 1000;

	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
	const sections: string[] = [`Measured ${new Date().toISOString()} on ${machine}.`];
	const add = (title: string, rows: Row[]) => {
		const text = `### ${title}\n\n${table(rows)}`;
		console.log(`\n${text}\n`);
		sections.push(text);
	};
	if (only.includes('bulk')) add(`Bulk Make Call: ${items} items, 100 ms simulated latency`, await benchBulk(items, 100));
	if (only.includes('overhead')) add(`Overhead: ${items} items, no latency, concurrency 10 (best of 3)`, await benchOverhead(items));
	const callbacksArg = args.indexOf('--callbacks');
	const callbacks = callbacksArg >= 0 ? Number(args[callbacksArg + 1]) : 2000;
	if (only.includes('intake')) {
		const title = `Callback intake: ${callbacks} callbacks (10% repeated), 50 in flight, real n8n 2.41.1`;
		add(`${title}, default settings`, await benchIntake(callbacks));
		// n8n skips its expression isolate for its own Webhook node only; the legacy engine has none.
		add(`${title}, N8N_EXPRESSION_ENGINE=legacy`, await benchIntake(callbacks, { N8N_EXPRESSION_ENGINE: 'legacy' }));
	}
	if (only.includes('ratelimit')) {
		add('Rate limit: 1000 Make Call items, simulator limited to 20 requests/s (code 160 above it)', await benchRateLimit(items, 20));
	}
	if (only.includes('campaign')) {
		const campaignsArg = args.indexOf('--campaigns');
		const campaigns =
			campaignsArg >= 0
				? args[campaignsArg + 1].split(',').map((spec) => {
						const [calls, perSecond] = spec.split('@').map(Number);
						return { calls, perSecond };
					})
				: CAMPAIGNS;
		add('Campaign pace: Make Call at the node defaults, simulator limited to R requests/s (code 160 above it)', await benchCampaigns(campaigns));
	}
	if (only.includes('spreadsheet')) {
		add(
			'Campaign from a spreadsheet: 1000-row XLSX through the form, simulator limited to 20 requests/s; status page over a 10000-row ledger',
			await benchSpreadsheetCampaign(1000, 20, 10_000),
		);
	}
	if (only.includes('ledger')) add('Ledger size: a finished call\'s row in a Data table, as n8n counts it against its cap', await benchLedgerSize());
	const queueCallsArg = args.indexOf('--queue-calls');
	const queueCalls = queueCallsArg >= 0 ? Number(args[queueCallsArg + 1]) : 10_000;
	if (only.includes('queue')) {
		add(
			`Campaign at volume: ${queueCalls} calls, PostgreSQL ledger, simulator limited to 100 requests/s, n8n 2.41.1 queue mode vs one process`,
			await benchQueueCampaign(queueCalls, 100),
		);
	}
	if (only.includes('queue-faults')) {
		add(
			`Campaign at volume through faults: ${queueCalls} calls, PostgreSQL ledger, simulator limited to 100 requests/s, n8n 2.41.1 queue mode`,
			await benchQueueFaults(queueCalls, 100),
		);
	}
	if (only.includes('package')) add('Package', benchPackage());
	const file = path.join(__dirname, 'results.md');
	if (ALL.every((name) => only.includes(name)) || !fs.existsSync(file)) {
		fs.writeFileSync(file, `${sections.join('\n\n')}\n`);
	} else {
		// A partial run: replace the sections it measured, keep the others, say when each was measured.
		const old = sectionsOf(fs.readFileSync(file, 'utf8'));
		const fresh = sectionsOf(sections.slice(1).join('\n\n'));
		const note = `_${sections[0].replace(/^Measured /, 'Measured (partial run) ')}_`;
		const merged = old.sections.map(([title, text]) => {
			const update = fresh.sections.find(([t]) => t === title);
			return update ? `${update[1]}\n\n${note}` : text;
		});
		for (const [title, text] of fresh.sections) if (!old.sections.some(([t]) => t === title)) merged.push(`${text}\n\n${note}`);
		fs.writeFileSync(file, `${[old.preamble, ...merged].filter(Boolean).join('\n\n')}\n`);
	}
	console.log(`written to ${path.join('bench', 'results.md')}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
