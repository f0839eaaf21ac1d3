/**
 * The simulator as users get it: built, `npm pack` of the workspace, the tarball installed into an empty folder (offline: it has no dependencies), its bin started on a
 * free loopback port, and real requests answered exactly as eSMS would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const NAME = 'esms-voice-simulator';
const API_KEY = 'PACKED-API-KEY';
const SECRET_KEY = 'PACKED-SECRET-KEY';
// npm run/jest pass npm_* settings (workspace, prefix, …) that would redirect these npm commands.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

let work: string;
let packed: { filename: string; files: Array<{ path: string }> };
let child: ChildProcess | undefined;

function npm(args: string[], cwd: string): string {
	const run = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
	return run.stdout;
}

beforeAll(() => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-sim-pack-'));
	// Built here rather than by a prepack script: this repository's .npmrc sets ignore-scripts.
	npm(['run', 'build', '--silent', '-w', NAME], ROOT);
	const out = npm(['pack', '--json', '--silent', '--ignore-scripts', '-w', NAME, '--pack-destination', work], ROOT);
	[packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<typeof packed>;
	fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'try-the-simulator', private: true }));
	npm(['install', '--offline', '--no-audit', '--no-fund', `./${packed.filename}`], work);
}, 120_000);

afterAll(async () => {
	if (child && child.exitCode === null) {
		child.kill('SIGKILL');
		await new Promise((resolve) => child?.once('exit', resolve));
	}
	fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled simulator, its README and LICENSE, and nothing else', () => {
	const paths = packed.files.map((f) => f.path).sort();
	expect(paths.filter((p) => !p.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
	expect(paths).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/server.js']));
	expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
	const manifest = JSON.parse(fs.readFileSync(path.join(work, 'node_modules', NAME, 'package.json'), 'utf8')) as Record<string, unknown>;
	expect(manifest.dependencies).toBeUndefined();
	expect(manifest.bin).toEqual({ [NAME]: 'dist/cli.js' });
	// The Node.js API README documents, as `require` finds it in an install.
	const api = spawnSync(process.execPath, ['-p', `Object.keys(require('${NAME}')).sort().join()`], { cwd: work, encoding: 'utf8' });
	expect(api.stdout.trim()).toBe('CALLER_ID,DEFAULT_API_KEY,DEFAULT_SECRET_KEY,ECHO_CODE,EsmsSimulator,SUMMARY_PATH,outcomeForLastDigit');
});

test('`npx esms-voice-simulator --help` in the install folder prints the usage', () => {
	const run = spawnSync('npx', ['--no-install', NAME, '--help'], { cwd: work, env: npmEnv, encoding: 'utf8' });
	expect(run.status).toBe(0);
	expect(run.stdout).toMatch(/^usage: esms-voice-simulator \[--port N\]/);
	expect(run.stdout).toContain('--no-send-status');
}, 60_000);

test('the installed bin serves MakeCallRecord_V2, GetSendStatus and GetBalance_json, and stops on SIGTERM', async () => {
	const bin = path.join(work, 'node_modules', '.bin', NAME);
	// Port 0: the OS picks a free one, which the banner reports.
	const sim = spawn(bin, ['--port', '0', '--delay', '50', '--api-key', API_KEY, '--secret-key', SECRET_KEY], {
		cwd: work,
		env: npmEnv,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child = sim;
	let stdout = '';
	sim.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	const exited = new Promise<number | null>((resolve) => sim.once('exit', resolve));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no banner within 10 s: ${stdout}`)), 10_000);
		sim.stdout?.on('data', () => {
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		sim.once('exit', (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
	});
	expect(stdout).toContain(`Voice Base URL: ${url}/voice/MainService.svc/json\n`);
	expect(stdout).toContain(`REST Base URL:  ${url}/rest/MainService.svc/json\n`);

	const keys = { ApiKey: API_KEY, SecretKey: SECRET_KEY };
	const voice = (endpoint: string, params: Record<string, string>) =>
		fetch(`${url}/voice/MainService.svc/json/${endpoint}?${new URLSearchParams(params).toString()}`).then((r) => r.json());
	const balance = () =>
		fetch(`${url}/rest/MainService.svc/json/GetBalance_json`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(keys),
		}).then((r) => r.json());

	expect(await balance()).toEqual({ Balance: 1_000_000, CodeResponse: '100', UserID: 9999 });
	const made = (await voice('MakeCallRecord_V2', { ...keys, Phone: '0912345672', TemplateId: '1001', RequestId: 'packed-1' })) as {
		SMSID: string;
	};
	expect(made).toEqual({ CodeResult: '100', SMSID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) });
	expect(await voice('MakeCallRecord_V2', { ...keys, Phone: '0912345672', TemplateId: '1001', RequestId: 'packed-1' })).toEqual({
		CodeResult: '124',
		ErrorMessage: 'Duplicate RequestId',
	});
	expect(await voice('MakeCallRecord_V2', { ApiKey: API_KEY, SecretKey: 'wrong', Phone: '0912345672', TemplateId: '1001' })).toEqual({
		CodeResult: '101',
		ErrorMessage: 'Authorize Failed',
	});

	// The CLI steers outcomes by the phone's last digit: 2 = answered, key 2 pressed.
	let status: unknown;
	for (let i = 0; i < 100; i++) {
		status = await voice('GetSendStatus', { ...keys, ReferenceId: made.SMSID });
		if ((status as { SendStatus?: number }).SendStatus === 5) break;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	expect(status).toEqual({
		CallDuration: 13,
		CallStatus: 'ANSWERED',
		CodeResponse: '100',
		Ivr: '2',
		ReferenceId: made.SMSID,
		SendStatus: 5,
		SentResult: 1,
	});
	expect(await balance()).toEqual({ Balance: 999_500, CodeResponse: '100', UserID: 9999 });

	sim.kill('SIGTERM');
	expect(await exited).toBe(0);
	expect(stdout).toContain('SIGTERM: stopping the simulator');
	// The keys it was started with are shown (so users can enter them); the log never repeats them.
	expect(stdout.split(API_KEY)).toHaveLength(2);
}, 60_000);
