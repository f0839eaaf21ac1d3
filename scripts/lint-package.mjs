// n8n's package scanner, as n8n runs it on a submission, but on this checkout and offline:
// `npx @n8n/scan-community-package <name>` (analyzePackageByName) fetches the published tarball and the
// source commit its provenance names, then runs the scanner's analyzePackage twice, on the source
// (SOURCE_FILE_PATTERNS: package.json, nodes/ and credentials/) and on the unpacked tarball (`**/*.js`
// and package.json). This script makes the tarball with `npm pack` (the built dist/, as it would be
// published) and makes the same two analyzePackage calls, on this folder and on the unpacked tarball:
// nothing is downloaded (the registry path's network steps are the name look-up, provenance and the
// download, which a local tarball replaces). It fails on any finding: the scanner fails on errors
// only, and this also counts its warnings. Then what the tarball may hold: the files package.json's
// n8n section lists, no simulator, no source maps or declarations, no runtime dependencies, and at
// most 60 KiB packed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** What a user downloads for the nodes: the packed tarball stays under this. */
// 49 KiB in 0.1.0 (README about a fifth of it, the compiled code without its comments); source maps
// and declarations would add about 40 KiB.
const MAX_PACKED_BYTES = 60 * 1024;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const work = mkdtempSync(join(tmpdir(), 'esms-lint-package-'));
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
const problems = [];
try {
	const [{ filename, files, size, unpackedSize }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, env: npmEnv, encoding: 'utf8' }),
	);
	// As the scanner unpacks a tarball: into a folder of its own, without the leading package/.
	const unpacked = join(work, 'tarball');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(work, filename), '-C', unpacked, '--strip-components=1']);

	// The scanner makes a temp folder when it is imported (and never removes it): make it in ours.
	process.env.TMPDIR = work;
	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	// Its ESLint is ours (one eslint in node_modules): counting what its lintFiles returns counts the
	// warnings, which analyzePackage lets pass.
	const scannerRequire = createRequire(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
	if (scannerRequire.resolve('eslint') !== createRequire(import.meta.url).resolve('eslint')) {
		throw new Error('the scanner has an ESLint of its own: its warnings cannot be counted here');
	}
	const { ESLint } = await import('eslint');
	const lintFiles = ESLint.prototype.lintFiles;
	let results = [];
	ESLint.prototype.lintFiles = async function (...args) {
		const found = await lintFiles.apply(this, args);
		results.push(...found);
		return found;
	};
	const formatter = await new ESLint().loadFormatter('stylish');
	const legs = [
		{ name: 'source', dir: root, patterns: scanner.SOURCE_FILE_PATTERNS },
		{ name: `tarball ${filename}`, dir: unpacked, patterns: ['**/*.js', 'package.json'] },
	];
	const counts = [];
	for (const leg of legs) {
		results = [];
		const verdict = await scanner.analyzePackage(leg.dir, leg.patterns);
		const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
		const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
		counts.push(`${leg.name}: ${results.length} files, ${errors} error(s), ${warnings} warning(s)`);
		const text = formatter.format(results);
		if (text) console.log(text.replaceAll(leg.dir === root ? root : `${leg.dir}/`, leg.dir === root ? '' : `<${filename}>/`));
		if (!verdict.passed) problems.push(`the scanner fails the ${leg.name}: ${verdict.message}`);
		else if (results.length === 0) problems.push(`the scanner found nothing to lint in the ${leg.name}`);
		else if (warnings > 0) problems.push(`the scanner warns on the ${leg.name} (it passes warnings; this check does not)`);
	}
	console.log(`lint:package: n8n's scanner (@n8n/scan-community-package analyzePackage) on ${counts.join('; ')}`);

	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		if (!files.some((f) => f.path === file)) problems.push(`${file} (listed in package.json n8n) is not in the tarball`);
	}
	// The simulator is its own package (simulator/, published separately): none of it ships here.
	const simulatorFiles = files.filter((f) => /(^|\/)simulator\/|EsmsSimulator|esms-voice-simulator/i.test(f.path));
	if (simulatorFiles.length > 0) problems.push(`the tarball holds simulator files: ${simulatorFiles.map((f) => f.path).join(', ')}`);
	const dependencies = Object.keys(manifest.dependencies ?? {});
	if (dependencies.length > 0) problems.push(`the package has runtime dependencies: ${dependencies.join(', ')}`);
	// n8n loads only the JavaScript, the codex files and the icons: maps and declarations would only
	// make every install bigger (tsconfig.build.json turns them off).
	const extras = files.filter((f) => /\.(map|d\.ts)$/.test(f.path));
	if (extras.length > 0) problems.push(`the tarball holds source maps or type declarations: ${extras.map((f) => f.path).join(', ')}`);
	if (size > MAX_PACKED_BYTES) {
		problems.push(`the packed tarball is ${kib(size)}, more than ${kib(MAX_PACKED_BYTES)}: see what "npm pack --dry-run" lists`);
	}
	console.log(`lint:package: ${filename}: ${kib(size)} packed (${size} bytes, at most ${kib(MAX_PACKED_BYTES)}), ${kib(unpackedSize)} unpacked, ${files.length} files`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
for (const problem of problems) console.error(`lint:package: ${problem}`);
process.exitCode = problems.length === 0 ? 0 : 1;
