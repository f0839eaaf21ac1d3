/**
 * `npm run lint` is `n8n-node lint`, which runs `eslint .` with eslint.config.mjs: @n8n/node-cli's own
 * config plus what that file adds (only what ships is linted, every warning is an error, two
 * n8n-nodes-base rules stay on). These tests lint probe texts as project files with the real config,
 * so a config mistake (a rule set not applied, a folder wrongly ignored) cannot pass silently.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface Finding {
	ruleId: string | null;
	severity: number;
	message: string;
}

/** What ESLint reports for `text` as if it were the project file `filePath` (the real config). */
function lint(text: string, filePath: string): Finding[] {
	// A child process: the flat config is an ES module, which jest's module system cannot import.
	const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', path.join(ROOT, filePath)], {
		cwd: ROOT,
		input: text,
		encoding: 'utf8',
		// jest sets NODE_ENV=test, which switches eslint-plugin-n8n-nodes-base into its own test mode.
		env: { ...process.env, NODE_ENV: 'production' },
	});
	const [result] = JSON.parse(run.stdout) as Array<{ messages: Finding[] }>;
	return result.messages;
}

/** The rule ids found, sorted (a fatal parse error shows as `fatal: ...`). */
function ruleIds(text: string, filePath: string): string[] {
	return lint(text, filePath)
		.map((m) => m.ruleId ?? `fatal: ${m.message}`)
		.sort();
}

const TIMER_PROBE = `
import { setTimeout as wait } from 'timers/promises';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
export async function run(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	await wait(1);
	setTimeout(() => undefined, 1);
	return [this.getInputData().map((item) => ({ json: item.json }))];
}
`;

test('the real package.json has no findings (and is linted at all: see the next test)', () => {
	expect(ruleIds(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'), 'package.json')).toEqual([]);
}, 60_000);

test('package.json: runtime dependencies, a missing author and the missing keyword are found', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	const broken = { ...pkg, author: {}, keywords: [], dependencies: { axios: '1.0.0' } };
	expect(ruleIds(JSON.stringify(broken, null, 2), 'package.json')).toEqual([
		'@n8n/community-nodes/no-runtime-dependencies',
		'@n8n/community-nodes/valid-author',
		'@n8n/community-nodes/valid-author',
		'n8n-nodes-base/community-package-json-author-name-missing',
		'n8n-nodes-base/community-package-json-keywords-without-official-tag',
	]);
}, 60_000);

test('node files: a timer and a restricted import are found (the n8n Cloud rules are on)', () => {
	expect(ruleIds(TIMER_PROBE, 'nodes/EsmsVoice/actions/lint-probe.ts')).toEqual([
		'@n8n/community-nodes/no-restricted-globals',
		'@n8n/community-nodes/no-restricted-imports',
	]);
}, 60_000);

test("node files get node-cli's general rules too: console, explicit any, duplicate imports", () => {
	const source = `
import type { IExecuteFunctions } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';
export function run(this: IExecuteFunctions, extra: any): INodeExecutionData[][] {
	console.log(extra);
	return [this.getInputData()];
}
`;
	const findings = lint(source, 'nodes/EsmsVoice/actions/lint-probe.ts');
	expect(findings.map((m) => m.ruleId).sort()).toEqual(['@typescript-eslint/no-explicit-any', 'import-x/no-duplicates', 'import-x/no-duplicates', 'no-console']);
	// import-x/no-duplicates is a warning in node-cli's config: here it is an error, as every finding.
	expect(findings.filter((m) => m.severity !== 2)).toEqual([]);
}, 60_000);

test('credential files: a key field without password masking is found, by both plugins', () => {
	const source = fs
		.readFileSync(path.join(ROOT, 'credentials/EsmsApi.credentials.ts'), 'utf8')
		.replace("name: 'secretKey',\n\t\t\ttype: 'string',\n\t\t\ttypeOptions: { password: true },", "name: 'secretKey',\n\t\t\ttype: 'string',");
	expect(ruleIds(source, 'credentials/EsmsApi.credentials.ts')).toEqual([
		'@n8n/community-nodes/credential-password-field',
		// node-cli turns this one off; eslint.config.mjs keeps it on.
		'n8n-nodes-base/cred-class-field-type-options-password-missing',
	]);
}, 60_000);

test('node files: a Limit field with a maxValue is found (kept on in eslint.config.mjs)', () => {
	const source = `
import type { INodeProperties } from 'n8n-workflow';
export const limit: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 100 },
	default: 50,
	description: 'Max number of results to return',
};
`;
	expect(ruleIds(source, 'nodes/EsmsVoice/actions/lint-probe.ts')).toEqual(['n8n-nodes-base/node-param-type-options-max-value-present']);
}, 60_000);

test('what does not ship (tests, e2e, simulator, scripts, bench) is not linted; nodes/ and credentials/ are', () => {
	for (const file of ['test/lint-probe.ts', 'e2e/lint-probe.ts', 'simulator/src/lint-probe.ts', 'scripts/lint-probe.ts', 'bench/lint-probe.ts']) {
		const findings = lint(TIMER_PROBE, file);
		expect({ file, findings: findings.map((m) => m.message) }).toEqual({
			file,
			findings: [expect.stringMatching(/ignored because of a matching ignore pattern/)],
		});
	}
	expect(ruleIds(TIMER_PROBE, 'credentials/lint-probe.ts')).toContain('@n8n/community-nodes/no-restricted-globals');
	expect(ruleIds(TIMER_PROBE, 'nodes/shared/lint-probe.ts')).toContain('@n8n/community-nodes/no-restricted-globals');
}, 60_000);
