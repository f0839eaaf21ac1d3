// `npm run dev` stops cleanly whichever process of its tree gets SIGINT/SIGTERM: the top `npm run dev`
// (what an IDE's stop button or a process manager signals), scripts/dev.ts, or n8n itself. Every process
// of the tree is gone afterwards and the ports are free again.
// Started with --no-build: the suite's own n8n is running from dist/, which a rebuild would replace.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { PROJECT_ROOT } from './lib/runtime';
import { freePort, isPortFree, poll } from './lib/util';

interface Proc {
	pid: number;
	ppid: number;
	cmdline: string;
}

function processes(): Proc[] {
	const list: Proc[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
			list.push({ pid: Number(entry), ppid, cmdline });
		} catch {
			// exited meanwhile
		}
	}
	return list;
}

/** The process and all its descendants (by parent pid), the process first. */
function tree(root: number): Proc[] {
	const all = processes();
	const found = all.filter((p) => p.pid === root);
	for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i].pid));
	return found;
}

const alive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

interface DevRun {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
	ports: number[];
}

async function startDev(): Promise<DevRun> {
	const simPort = await freePort();
	const n8nPort = await freePort([simPort]);
	let output = '';
	const env: NodeJS.ProcessEnv = { ...process.env, ESMS_SIM_PORT: String(simPort), ESMS_DEV_N8N_PORT: String(n8nPort) };
	delete env.NODE_ENV; // jest's "test"
	const child = spawn('npm', ['run', 'dev', '--', '--no-build'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	await poll(
		async () => (output.includes('Ctrl-C (or SIGTERM') ? true : undefined),
		{ timeoutMs: 150_000, intervalMs: 500, what: 'the dev banner' },
	).catch((error: Error) => {
		throw new Error(`${error.message}\n${output}`);
	});
	return { child, output: () => output, exited, ports: [simPort, n8nPort] };
}

// `npm run dev` always runs n8n 2.41.1 (scripts/dev.ts), so the 1.x line of the matrix skips it.
const devLine = (process.env.ESMS_E2E_N8N ?? '2').trim() === '2' ? describe : describe.skip;

devLine('npm run dev stops cleanly', () => {
	let run: DevRun | undefined;

	afterEach(() => {
		// Only if a test failed half-way: kill what is left of the tree it started.
		if (run?.child.pid) for (const p of tree(run.child.pid).reverse()) if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
		run = undefined;
	});

	test.each([
		['the top `npm run dev`', 'SIGINT', (procs: Proc[]) => procs[0]],
		['scripts/dev.ts', 'SIGTERM', (procs: Proc[]) => procs.find((p) => p.cmdline.includes('scripts/dev.ts') && !p.cmdline.startsWith('npm'))],
		['n8n', 'SIGTERM', (procs: Proc[]) => procs.find((p) => /\/n8n\/bin\/n8n start$/.test(p.cmdline))],
	] as Array<[string, NodeJS.Signals, (procs: Proc[]) => Proc | undefined]>)(
		'%s gets %s: every process of the tree ends, the ports are free',
		async (_label, signal, pick) => {
			run = await startDev();
			const procs = tree(run.child.pid!);
			expect(run.output()).toContain('recordings    1001, 1002');
			expect(run.output()).toContain('templates     2001, 2002');
			expect(run.output()).toMatch(/campaign {6}http:\/\/127\.0\.0\.1:\d+\/form\/esms-campaign {2}\(upload a CSV or XLSX/);
			// Every example imports and publishes (the AI-agent example cannot: its chat model has no credential).
			expect(run.output()).not.toMatch(/WARNING: (skipped|could not import|could not publish "eSMS example: campaign)/);
			expect(procs.length).toBeGreaterThanOrEqual(3); // npm, node dev.ts, n8n (+ its task runner)
			const target = pick(procs);
			expect(target).toBeDefined();
			process.kill(target!.pid, signal);

			await poll(async () => (procs.every((p) => !alive(p.pid)) ? true : undefined), {
				timeoutMs: 40_000,
				intervalMs: 250,
				what: 'every process of the dev tree to end',
			}).catch((error: Error) => {
				const left = procs.filter((p) => alive(p.pid)).map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`);
				throw new Error(`${error.message}; still running:\n${left.join('\n')}\n${run?.output()}`);
			});
			expect(await run.exited).toBe(0);
			for (const port of run.ports) expect([port, await isPortFree(port)]).toEqual([port, true]);
			expect(run.output()).toContain('[dev] stopping n8n and the simulator');
		},
		200_000,
	);
});
