// Where the pinned n8n versions, the Node each runs on and the local npm registry live: installed
// and cached by scripts/ensure-runtime.sh.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The n8n release lines the suite runs against: '2' = e2e/runtime/n8n, '1' = e2e/runtime/n8n1. */
export type N8nLine = '1' | '2';

export interface Runtime {
	/** Which pinned n8n this is. */
	line: N8nLine;
	/** Folder holding the `node` binary n8n runs on (Node 24 for n8n 2.x, the machine's for 1.x). */
	nodeBinDir: string;
	/** That `node` binary itself. */
	node: string;
	/** The cache folder n8n is installed in (has node_modules/n8n). */
	n8nDir: string;
	/** n8n's CLI entry point (run it with `node`). */
	n8nBin: string;
	/** n8n's version, e.g. "2.41.1". */
	n8nVersion: string;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The line picked by ESMS_E2E_N8N ("1" or "2"; default "2"). */
export function selectedLine(): N8nLine {
	const value = (process.env.ESMS_E2E_N8N ?? '2').trim();
	if (value !== '1' && value !== '2') throw new Error(`ESMS_E2E_N8N must be "1" or "2", not ${JSON.stringify(value)}`);
	return value;
}

interface EnsureOutput {
	NODE24_BIN: string;
	N8N_DIR: string;
	NODE1_BIN?: string;
	N8N1_DIR?: string;
	REGISTRY_DIR?: string;
}

const ensured = new Map<string, EnsureOutput>();

/** Runs scripts/ensure-runtime.sh (under a second when all is cached; installs what is missing). */
function ensure(scope: 'n8n=1' | 'n8n=2' | 'n8n=all'): EnsureOutput {
	const known = ensured.get(scope) ?? ensured.get('n8n=all');
	if (known) return known;
	const script = path.join(PROJECT_ROOT, 'scripts', 'ensure-runtime.sh');
	let out: string;
	try {
		out = execFileSync('bash', [script, `--${scope}`, '--json'], {
			cwd: PROJECT_ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
			maxBuffer: 1024 * 1024,
		});
	} catch (error) {
		throw new Error(`scripts/ensure-runtime.sh failed (${(error as Error).message.split('\n')[0]}); see its output above`);
	}
	const parsed = JSON.parse(out.trim().split('\n').pop() ?? '') as EnsureOutput;
	ensured.set(scope, parsed);
	return parsed;
}

const cached = new Map<N8nLine, Runtime>();

/**
 * The runtime of one n8n line (default: ESMS_E2E_N8N). For line 2, NODE24_BIN and N8N_DIR from the
 * environment win when both are set (e.g. after `eval "$(bash scripts/ensure-runtime.sh --print-env)"`);
 * for line 1, NODE1_BIN and N8N1_DIR. Otherwise runs scripts/ensure-runtime.sh for that line.
 */
export function resolveRuntime(line: N8nLine = selectedLine()): Runtime {
	const hit = cached.get(line);
	if (hit) return hit;
	let nodeBinDir = line === '2' ? process.env.NODE24_BIN : process.env.NODE1_BIN;
	let n8nDir = line === '2' ? process.env.N8N_DIR : process.env.N8N1_DIR;
	if (!nodeBinDir || !n8nDir) {
		const out = ensure(line === '2' ? 'n8n=2' : 'n8n=1');
		nodeBinDir = line === '2' ? out.NODE24_BIN : out.NODE1_BIN;
		n8nDir = line === '2' ? out.N8N_DIR : out.N8N1_DIR;
	}
	if (!nodeBinDir || !n8nDir) throw new Error(`scripts/ensure-runtime.sh did not report n8n ${line}.x`);
	const n8nManifest = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
	const runtime: Runtime = {
		line,
		nodeBinDir,
		node: path.join(nodeBinDir, 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: existsSync(n8nManifest) ? (JSON.parse(readFileSync(n8nManifest, 'utf8')) as { version: string }).version : '',
	};
	for (const file of [runtime.node, runtime.n8nBin]) {
		if (!existsSync(file)) throw new Error(`${file} is missing: run bash scripts/ensure-runtime.sh`);
	}
	cached.set(line, runtime);
	return runtime;
}

/** The Node 24 `node` binary (verdaccio's dependencies want Node >= 22): NODE24_BIN, else ensure-runtime.sh. */
export function resolveNode24(): string {
	const bin = process.env.NODE24_BIN || ensure(selectedLine() === '2' ? 'n8n=2' : 'n8n=1').NODE24_BIN;
	return path.join(bin, 'node');
}

/** The cached verdaccio install (REGISTRY_DIR from the environment, else ensure-runtime.sh). */
export function resolveRegistryDir(): string {
	const dir = process.env.REGISTRY_DIR || ensure(selectedLine() === '2' ? 'n8n=2' : 'n8n=1').REGISTRY_DIR;
	if (!dir || !existsSync(path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'))) {
		throw new Error('the local npm registry (verdaccio) is not installed: run bash scripts/ensure-runtime.sh');
	}
	return dir;
}
