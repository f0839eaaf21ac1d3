// Runs the end-to-end suite once per pinned n8n (the matrix), one after the other, each in its own
// jest run with ESMS_E2E_N8N set: n8n 2.41.1 on Node 24 ("2"), n8n 1.123.81 on this machine's Node ("1").
// Every line runs even when an earlier one failed; the exit code is non-zero when any failed.
// Usage: node scripts/e2e-matrix.js [--n8n=2,1] [jest arguments, e.g. e2e/smoke.e2e.test.ts]
//        (ESMS_E2E_MATRIX="2,1" does the same as --n8n)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const VERSIONS = { 2: 'n8n 2.41.1 (Node 24)', 1: 'n8n 1.123.81 (Node 20)' };

let lines = (process.env.ESMS_E2E_MATRIX || '2,1').split(',');
const jestArgs = [];
for (const arg of process.argv.slice(2)) {
	if (arg.startsWith('--n8n=')) lines = arg.slice(6).split(',');
	else jestArgs.push(arg);
}
lines = lines.map((line) => line.trim()).filter(Boolean);
for (const line of lines) {
	if (!VERSIONS[line]) {
		console.error(`e2e-matrix: unknown n8n line "${line}" (use 2 and/or 1)`);
		process.exit(2);
	}
}

const jestBin = require.resolve('jest/bin/jest');
const summary = [];
fs.mkdirSync(path.join(root, '.e2e-tmp'), { recursive: true });
for (const line of lines) {
	const started = Date.now();
	const report = path.join(root, '.e2e-tmp', `e2e-n8n${line}.json`);
	fs.rmSync(report, { force: true });
	console.log(`\n[e2e-matrix] ${VERSIONS[line]}: jest -c e2e/jest.config.js ${jestArgs.join(' ')}`);
	const result = spawnSync(process.execPath, [jestBin, '-c', 'e2e/jest.config.js', '--ci', '--json', `--outputFile=${report}`, ...jestArgs], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ESMS_E2E_N8N: line },
	});
	let counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0 };
	if (fs.existsSync(report)) counts = JSON.parse(fs.readFileSync(report, 'utf8'));
	summary.push({ line, seconds: (Date.now() - started) / 1000, ok: result.status === 0, ...counts });
}

console.log('\n[e2e-matrix] summary');
for (const s of summary) {
	console.log(
		`  ${VERSIONS[s.line].padEnd(24)} ${s.ok ? 'passed' : 'FAILED'}  ${s.numPassedTests} passed, ${s.numFailedTests} failed, ${s.numPendingTests} skipped  ${s.seconds.toFixed(0)} s`,
	);
}
const passed = summary.reduce((n, s) => n + s.numPassedTests, 0);
const failed = summary.reduce((n, s) => n + s.numFailedTests, 0);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(summary.every((s) => s.ok) ? 0 : 1);
