// The scanner's lint rule set on what users install: `npm pack` this (built) package, unpack the
// tarball into a temp folder and lint its files (the compiled JavaScript and package.json) with
// @n8n/eslint-plugin-community-nodes' recommended rules, every finding an error. n8n's package scanner
// reads the published tarball, not the TypeScript sources, so both must be clean. Also what the
// tarball may hold: no simulator, no maps or declarations, no runtime dependencies, at most 72 KiB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const root = new URL('..', import.meta.url).pathname;
/** What a user downloads for the nodes: the packed tarball stays under this. */
// 60.7 KiB with the campaign features (README 42 kB of it); source maps and declarations would add
// about 40 KiB, which this catches.
const MAX_PACKED_BYTES = 72 * 1024;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const work = mkdtempSync(join(tmpdir(), 'esms-lint-package-'));
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
try {
	const [{ filename, files, size, unpackedSize }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, env: npmEnv, encoding: 'utf8' }),
	);
	const unpacked = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
	const recommended = n8nCommunityNodesPlugin.configs.recommended;
	// As the scanner: every recommended rule, and no-console, as errors.
	const rules = { ...Object.fromEntries(Object.keys(recommended.rules).map((name) => [name, 'error'])), 'no-console': 'error' };
	const eslint = new ESLint({
		cwd: unpacked,
		overrideConfigFile: true,
		overrideConfig: [
			{ files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', ecmaVersion: 2023 } },
			{ files: ['**/*.json'], languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } } },
			{ ...recommended, rules },
		],
	});
	const results = await eslint.lintFiles(['**/*.js', 'package.json']);
	const linted = results.length;
	const findings = results.reduce((sum, r) => sum + r.errorCount + r.warningCount, 0);
	const formatter = await eslint.loadFormatter('stylish');
	const text = formatter.format(results);
	if (text) console.log(text.replaceAll(unpacked, `<${filename}>`));
	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
	console.log(
		`lint:package: ${filename} (${kib(size)} packed, ${kib(unpackedSize)} unpacked, ${files.length} files), ${linted} linted with ${Object.keys(rules).length} scanner rules: ${findings} finding(s)`,
	);
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		if (!files.some((f) => f.path === file)) throw new Error(`${file} (listed in package.json n8n) is not in the tarball`);
	}
	// The simulator is its own package (simulator/, published separately): none of it ships here.
	const simulatorFiles = files.filter((f) => /(^|\/)simulator\/|EsmsSimulator|esms-voice-simulator/i.test(f.path));
	if (simulatorFiles.length > 0) throw new Error(`the tarball holds simulator files: ${simulatorFiles.map((f) => f.path).join(', ')}`);
	if (Object.keys(manifest.dependencies ?? {}).length > 0) throw new Error('the package has runtime dependencies');
	// n8n loads only the JavaScript, the codex files and the icons: maps and declarations would only
	// make every install bigger (tsconfig.build.json turns them off).
	const extras = files.filter((f) => /\.(map|d\.ts)$/.test(f.path));
	if (extras.length > 0) throw new Error(`the tarball holds source maps or type declarations: ${extras.map((f) => f.path).join(', ')}`);
	if (size > MAX_PACKED_BYTES) {
		throw new Error(`the packed tarball is ${kib(size)}, more than ${kib(MAX_PACKED_BYTES)}: see what "npm pack --dry-run" lists`);
	}
	process.exitCode = findings === 0 ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
