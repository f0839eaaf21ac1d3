// A real n8n instance in queue mode: one main process, one worker (or two) and two webhook processors, with
// this package installed on each (its own user folder, as on separate machines), sharing a
// PostgreSQL database and Redis, behind a WebhookRouter (the load balancer users put in front).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8nClient } from './n8n-client';
import { startN8n, type N8nHandle } from './n8n-process';
import { REDIS, createDatabase, deleteRedisKeys, dropDatabase, n8nPostgresEnv } from './queue-services';
import { installFromLocalRegistry } from './install';
import { E2E_OWNER, E2E_TMP, packageDir, packageSource } from './shared';
import { freePort } from './util';
import { WebhookRouter } from './webhook-router';

export type Role = 'main' | 'worker' | 'worker-2' | 'webhook-1' | 'webhook-2';
/** The roles of a one-worker instance (the default). */
export const ROLES: readonly Role[] = ['main', 'worker', 'webhook-1', 'webhook-2'];

const COMMAND = { main: 'start', worker: 'worker', 'worker-2': 'worker', 'webhook-1': 'webhook', 'webhook-2': 'webhook' } as const;

/** The settings every process of the instance shares (what a user sets; see README "Queue mode"). */
export function sharedQueueEnv(database: string, redisPrefix: string, encryptionKey: string, publicUrl: string): Record<string, string> {
	return {
		N8N_ENCRYPTION_KEY: encryptionKey,
		...n8nPostgresEnv(database),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: REDIS.host,
		QUEUE_BULL_REDIS_PORT: String(REDIS.port),
		// Own prefixes: the queue's keys and the pub/sub channels of concurrent runs never meet.
		QUEUE_BULL_PREFIX: redisPrefix,
		N8N_REDIS_KEY_PREFIX: redisPrefix,
		// Public URL = the load balancer: the resume URLs the worker gives eSMS point there.
		WEBHOOK_URL: `${publicUrl}/`,
		N8N_WEBHOOK_URL: `${publicUrl}/`,
		N8N_PROXY_HOPS: '1',
	};
}

/** What only one role sets. */
function roleEnv(role: Role, port: number): Record<string, string> {
	if (role === 'main') return { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' };
	if (role === 'worker' || role === 'worker-2') {
		return { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' };
	}
	return {};
}

export class QueueInstance {
	readonly processes = new Map<Role, N8nHandle>();
	/** Every log file each role wrote (one per start), oldest first. */
	readonly logFiles: Map<Role, string[]>;
	/** Talks to the instance through the load balancer: API calls reach main, webhooks the webhook processors. */
	client!: N8nClient;
	private env!: Record<string, string>;
	/** A user folder with the package installed from the local registry, copied for every process. */
	private installedFolder?: string;
	private readonly userFolders: string[] = [];

	private constructor(
		readonly database: string,
		readonly redisPrefix: string,
		readonly ports: Record<Role, number>,
		readonly router: WebhookRouter,
		/** This instance's roles: main, its workers, the two webhook processors. */
		readonly roles: readonly Role[],
	) {
		this.logFiles = new Map<Role, string[]>(roles.map((role) => [role, []]));
	}

	/** Creates the database, starts the router, main (which migrates the database), then the others. */
	static async start(options: { workers?: 1 | 2; env?: Record<string, string> } = {}): Promise<QueueInstance> {
		const roles: Role[] = options.workers === 2 ? ['main', 'worker', 'worker-2', 'webhook-1', 'webhook-2'] : [...ROLES];
		const ports = {} as Record<Role, number>;
		for (const role of roles) ports[role] = await freePort(Object.values(ports));
		const router = new WebhookRouter({ name: 'main', port: ports.main }, [
			{ name: 'webhook-1', port: ports['webhook-1'] },
			{ name: 'webhook-2', port: ports['webhook-2'] },
		]);
		const runId = `esms-e2e-${process.pid}-${randomBytes(3).toString('hex')}`;
		const instance = new QueueInstance(await createDatabase(), runId, ports, router, roles);
		try {
			await router.start();
			if (packageSource() === 'registry') {
				// Installed the way users install it (packed, published, installed as n8n's installer does),
				// once; every process gets its own copy of that nodes folder, as each n8n host has its own.
				instance.installedFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-queue-installed-'));
				await installFromLocalRegistry(packageDir(), instance.installedFolder, path.join(E2E_TMP, `install-queue-${process.pid}`));
			}
			instance.env = { ...sharedQueueEnv(instance.database, runId, randomBytes(24).toString('hex'), router.url), ...options.env };
			await instance.startRole('main');
			instance.client = new N8nClient(router.url);
			await instance.client.setupOwner(E2E_OWNER);
			await instance.client.createApiKey('e2e-queue');
			await Promise.all(roles.filter((role) => role !== 'main').map((role) => instance.startRole(role)));
			return instance;
		} catch (error) {
			await instance.close();
			throw error;
		}
	}

	get mainUrl(): string {
		return `http://127.0.0.1:${this.ports.main}`;
	}

	/** Base URL of one webhook processor (to send a callback to that one). */
	webhookUrl(role: 'webhook-1' | 'webhook-2'): string {
		return `http://127.0.0.1:${this.ports[role]}`;
	}

	/** Starts one process (again) on its port, with a fresh user folder and the package installed. */
	async startRole(role: Role): Promise<N8nHandle> {
		if (this.processes.has(role)) throw new Error(`${role} is already running`);
		const files = this.logFiles.get(role)!;
		const logFile = path.join(E2E_TMP, 'logs', `queue-${role}${files.length ? `-${files.length + 1}` : ''}.log`);
		files.push(logFile);
		let userFolder: string | undefined;
		if (this.installedFolder) {
			userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `esms-queue-${role}-`));
			this.userFolders.push(userFolder);
			fs.cpSync(path.join(this.installedFolder, '.n8n'), path.join(userFolder, '.n8n'), { recursive: true });
		}
		const handle = await startN8n({
			packageDir: packageDir(),
			preinstalled: userFolder !== undefined,
			userFolder,
			command: COMMAND[role],
			port: this.ports[role],
			logFile,
			echo: process.env.ESMS_E2E_ECHO === '1',
			env: { ...this.env, ...roleEnv(role, this.ports[role]) },
		});
		this.processes.set(role, handle);
		this.router.setInRotation(role, true);
		return handle;
	}

	/**
	 * Takes the process out of the load balancer's rotation, then stops it (SIGTERM; SIGKILL after
	 * 20 s: a webhook processor can wait its whole graceful-shutdown time for an execution it
	 * still counts as active, serving requests meanwhile).
	 */
	async stopRole(role: Role): Promise<void> {
		const handle = this.processes.get(role);
		this.processes.delete(role);
		this.router.setInRotation(role, false);
		await handle?.stop();
	}

	/** SIGKILLs the process at once (it stays in rotation: a load balancer notices only by failing to connect). */
	async killRole(role: Role): Promise<void> {
		const handle = this.processes.get(role);
		this.processes.delete(role);
		await handle?.kill();
	}

	async restartRole(role: Role): Promise<void> {
		await this.stopRole(role);
		await this.startRole(role);
	}

	/** Stops every process at the same moment (as a host reboot or a full redeploy does), then starts them again. */
	async restartAll(): Promise<void> {
		const running = [...this.processes.keys()];
		await Promise.all(running.map((role) => this.stopRole(role)));
		if (running.includes('main')) await this.startRole('main');
		await Promise.all(running.filter((role) => role !== 'main').map((role) => this.startRole(role)));
	}

	/** Everything `role` wrote, over all its starts. */
	logs(role: Role): string {
		return this.logFiles
			.get(role)!
			.map((file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''))
			.join('\n');
	}

	/** Stops every process and the router; drops the database and deletes the run's Redis keys. */
	async close(): Promise<void> {
		await Promise.all([...this.processes.keys()].map((role) => this.stopRole(role)));
		await this.router.stop();
		for (const folder of [...this.userFolders, this.installedFolder ?? '']) if (folder) fs.rmSync(folder, { recursive: true, force: true });
		await dropDatabase(this.database);
		await deleteRedisKeys(this.redisPrefix);
	}
}
