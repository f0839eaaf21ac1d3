/**
 * `npm run bench`: every benchmark, one run, printed as tables (and written to bench/results.md).
 * Usage: npm run bench [-- --only bulk,overhead,intake,package] [--items N] [--callbacks N]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { benchBulk, benchOverhead, type Row } from './engine-bench';
import { benchIntake } from './intake-bench';
import { benchPackage } from './package-bench';

function table(rows: Row[]): string {
	const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
	const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
	return [line(columns), line(columns.map(() => '---')), ...rows.map((row) => line(columns.map((c) => row[c] ?? '')))].join('\n');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const onlyArg = args.indexOf('--only');
	const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : ['bulk', 'overhead', 'intake', 'package'];
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
	if (only.includes('package')) add('Package', benchPackage());
	fs.writeFileSync(path.join(__dirname, 'results.md'), `${sections.join('\n\n')}\n`);
	console.log(`written to ${path.join('bench', 'results.md')}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
