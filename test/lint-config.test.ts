/**
 * The lint step must really apply the scanner's rule sets to every kind of file it is given:
 * a config mistake (e.g. a parser the package.json rules cannot read) would pass silently.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Rule ids ESLint reports for `text` as if it were the project file `filePath` (the real config). */
async function ruleIds(text: string, filePath: string): Promise<string[]> {
	// A child process: the flat config is an ES module, which jest's module system cannot import.
	const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', path.join(ROOT, filePath)], {
		cwd: ROOT,
		input: text,
		encoding: 'utf8',
		// jest sets NODE_ENV=test, which switches eslint-plugin-n8n-nodes-base into its own test mode.
		env: { ...process.env, NODE_ENV: 'production' },
	});
	const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
	return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`).sort();
}

test('the real package.json has no findings (and is linted at all: see the next test)', async () => {
	expect(await ruleIds(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'), 'package.json')).toEqual([]);
}, 60_000);

test('package.json: runtime dependencies, a missing author and the missing keyword are found', async () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	const broken = { ...pkg, author: {}, keywords: [], dependencies: { axios: '1.0.0' } };
	expect(await ruleIds(JSON.stringify(broken, null, 2), 'package.json')).toEqual([
		'@n8n/community-nodes/no-runtime-dependencies',
		'@n8n/community-nodes/valid-author',
		'@n8n/community-nodes/valid-author',
		'n8n-nodes-base/community-package-json-author-name-missing',
		'n8n-nodes-base/community-package-json-keywords-without-official-tag',
	]);
}, 60_000);

test('node files: a timer and a restricted import are found', async () => {
	const source = `
import { setTimeout as wait } from 'timers/promises';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
export async function run(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	await wait(1);
	setTimeout(() => undefined, 1);
	return [this.getInputData().map((item) => ({ json: item.json }))];
}
`;
	const ids = await ruleIds(source, 'nodes/EsmsVoice/actions/lint-probe.ts');
	expect(ids).toEqual(['@n8n/community-nodes/no-restricted-globals', '@n8n/community-nodes/no-restricted-imports']);
}, 60_000);

test('credential files: a key field without password masking is found', async () => {
	const source = fs
		.readFileSync(path.join(ROOT, 'credentials/EsmsApi.credentials.ts'), 'utf8')
		.replace("name: 'secretKey',\n\t\t\ttype: 'string',\n\t\t\ttypeOptions: { password: true },", "name: 'secretKey',\n\t\t\ttype: 'string',");
	expect(await ruleIds(source, 'credentials/EsmsApi.credentials.ts')).toContain('@n8n/community-nodes/credential-password-field');
}, 60_000);
