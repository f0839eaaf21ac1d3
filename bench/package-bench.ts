/** Package figures: packed size, runtime dependencies, and the time to load each node module. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Row } from './engine-bench';

const ROOT = path.resolve(__dirname, '..');

export function benchPackage(): Row[] {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		dependencies?: Record<string, string>;
		n8n: { nodes: string[]; credentials: string[] };
	};
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
	) as Array<{ size: number; unpackedSize: number; entryCount: number }>;
	const rows: Row[] = [
		{
			measure: 'packed tarball',
			value: `${(packed[0].size / 1024).toFixed(1)} KiB (${packed[0].entryCount} files, ${(packed[0].unpackedSize / 1024).toFixed(1)} KiB unpacked)`,
		},
		{ measure: 'runtime dependencies', value: Object.keys(pkg.dependencies ?? {}).length },
	];
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		// A fresh process per module, n8n-workflow preloaded: only the module's own load is timed.
		const script = `require('n8n-workflow');const t=process.hrtime.bigint();require(${JSON.stringify(path.join(ROOT, file))});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
		const samples = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })));
		samples.sort((a, b) => a - b);
		rows.push({ measure: `load ${path.basename(file)}`, value: `${samples[2].toFixed(1)} ms (median of 5)` });
	}
	return rows;
}
