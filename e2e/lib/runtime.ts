// Where Node 24 and the pinned n8n live: installed and cached by scripts/ensure-runtime.sh.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export interface Runtime {
	/** Folder holding the Node 24 `node` binary. */
	nodeBinDir: string;
	/** The Node 24 binary itself. */
	node: string;
	/** The cache folder n8n is installed in (has node_modules/n8n). */
	n8nDir: string;
	/** n8n's CLI entry point (run it with `node`). */
	n8nBin: string;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let cached: Runtime | undefined;

/**
 * NODE24_BIN and N8N_DIR from the environment when both are set (e.g. after
 * `eval "$(bash scripts/ensure-runtime.sh --print-env)"`); otherwise runs
 * scripts/ensure-runtime.sh, which answers in under a second when everything is cached and installs
 * what is missing otherwise (minutes, progress on stderr).
 */
export function resolveRuntime(): Runtime {
	if (cached) return cached;
	let nodeBinDir = process.env.NODE24_BIN;
	let n8nDir = process.env.N8N_DIR;
	if (!nodeBinDir || !n8nDir) {
		const script = path.join(PROJECT_ROOT, 'scripts', 'ensure-runtime.sh');
		let out: string;
		try {
			out = execFileSync('bash', [script, '--json'], {
				cwd: PROJECT_ROOT,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'inherit'],
				maxBuffer: 1024 * 1024,
			});
		} catch (error) {
			throw new Error(`scripts/ensure-runtime.sh failed (${(error as Error).message.split('\n')[0]}); see its output above`);
		}
		const lastLine = out.trim().split('\n').pop() ?? '';
		const parsed = JSON.parse(lastLine) as { NODE24_BIN: string; N8N_DIR: string };
		nodeBinDir = parsed.NODE24_BIN;
		n8nDir = parsed.N8N_DIR;
	}
	const runtime: Runtime = {
		nodeBinDir,
		node: path.join(nodeBinDir, 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	for (const file of [runtime.node, runtime.n8nBin]) {
		if (!existsSync(file)) throw new Error(`${file} is missing: run bash scripts/ensure-runtime.sh`);
	}
	cached = runtime;
	return runtime;
}
