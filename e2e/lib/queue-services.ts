// The services n8n's queue mode needs, as this machine runs them: PostgreSQL (127.0.0.1:5432, trust
// auth, user postgres) and Redis (127.0.0.1:6379). The suite checks they answer, makes a database
// of its own (dropped at the end) and a Redis key prefix of its own (deleted at the end), so runs
// never see each other's data. The clients are n8n's own `pg` and `ioredis` (from the n8n install):
// no new dependency for the package.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { resolveRuntime } from './runtime';

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const REDIS = { host: '127.0.0.1', port: 6379 } as const;

/** n8n's settings for keeping its own data in `database` on this PostgreSQL. */
export function n8nPostgresEnv(database: string): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: POSTGRES.host,
		DB_POSTGRESDB_PORT: String(POSTGRES.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: POSTGRES.user,
	};
}

/** Names of the suite's databases: `esms_e2e_queue_<pid of the test process>_<random>`. */
const DB_PREFIX = 'esms_e2e_queue_';

/** The commands that start the services on this kind of machine (Debian packages postgresql, redis-server). */
export const START_COMMANDS = {
	PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
	Redis:
		'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
} as const;

// Runs in a child Node (the check is synchronous, so the test file can decide to run or skip).
const PROBE = `
const net = require('node:net');
function probe(port, hello, expect) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let text = '';
		const done = (ok) => { socket.destroy(); resolve(ok); };
		socket.setTimeout(3000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => (hello ? socket.write(hello) : done(true)));
		socket.on('data', (d) => { text += d; if (expect.test(text)) done(true); });
	});
}
Promise.all([probe(${POSTGRES.port}), probe(${REDIS.port}, 'PING\\r\\n', /\\+PONG/)]).then(([pg, redis]) =>
	process.stdout.write(JSON.stringify({ PostgreSQL: pg, Redis: redis })));
`;

/** Which of PostgreSQL and Redis do not answer on loopback (empty when both do). */
export function missingServices(): Array<keyof typeof START_COMMANDS> {
	const run = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8', timeout: 15_000 });
	let up: Record<string, boolean> = {};
	try {
		up = JSON.parse(run.stdout) as Record<string, boolean>;
	} catch {
		// no answer at all: both count as missing
	}
	return (Object.keys(START_COMMANDS) as Array<keyof typeof START_COMMANDS>).filter((name) => up[name] !== true);
}

/** What to tell the user when a service is missing. */
export function missingServicesMessage(missing: readonly string[]): string {
	return [
		`The queue-mode e2e suite needs PostgreSQL on ${POSTGRES.host}:${POSTGRES.port} (trust auth, user ${POSTGRES.user}) ` +
			`and Redis on ${REDIS.host}:${REDIS.port}. Not reachable: ${missing.join(' and ')}.`,
		'Start them (Debian packages postgresql and redis-server), as root:',
		...missing.map((name) => `  ${START_COMMANDS[name as keyof typeof START_COMMANDS]}`),
		'Under CI (CI=true) this is a failure; elsewhere the queue-mode suite is skipped.',
	].join('\n');
}

interface PgClient {
	connect(): Promise<void>;
	query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
	end(): Promise<void>;
}

interface RedisClient {
	scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
	del(...keys: string[]): Promise<number>;
	quit(): Promise<unknown>;
	disconnect(): void;
}

/** A module from n8n's own install (pg, ioredis). */
export function n8nModule<T>(name: string): T {
	const requireFromN8n = createRequire(path.join(resolveRuntime().n8nDir, 'package.json'));
	return requireFromN8n(name) as T;
}

async function withPostgres<T>(work: (client: PgClient) => Promise<T>, database = 'postgres'): Promise<T> {
	const { Client } = n8nModule<{ Client: new (config: object) => PgClient }>('pg');
	const client = new Client({ host: POSTGRES.host, port: POSTGRES.port, user: POSTGRES.user, database });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Creates a fresh database for this run; first drops those left by runs whose process is gone. */
export async function createDatabase(): Promise<string> {
	const name = `${DB_PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	await withPostgres(async (client) => {
		const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${DB_PREFIX}%`]);
		for (const { datname } of rows) {
			const pid = Number(/^esms_e2e_queue_(\d+)_/.exec(String(datname))?.[1]);
			if (pid && !pidAlive(pid)) await client.query(`DROP DATABASE IF EXISTS "${String(datname)}" WITH (FORCE)`);
		}
		await client.query(`CREATE DATABASE "${name}"`);
	});
	return name;
}

/** One query on a database of this suite (n8n's own `pg` client), its rows. */
export async function queryDatabase<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
	if (!database.startsWith(DB_PREFIX)) throw new Error(`refusing to query ${database}: not a database of this suite`);
	return await withPostgres(async (client) => (await client.query(sql, params)).rows as T[], database);
}

/** A workflow's static data as n8n saved it (the suite's own database), or null when it has none. */
export async function savedStaticData(database: string, workflowId: string): Promise<Record<string, unknown> | null> {
	if (!database.startsWith(DB_PREFIX)) throw new Error(`refusing to read ${database}: not a database of this suite`);
	return await withPostgres(async (client) => {
		const { rows } = await client.query('SELECT "staticData" AS data FROM workflow_entity WHERE id = $1', [workflowId]);
		return (rows[0]?.data as Record<string, unknown> | null | undefined) ?? null;
	}, database);
}

export async function dropDatabase(name: string): Promise<void> {
	if (!name.startsWith(DB_PREFIX)) throw new Error(`refusing to drop ${name}: not a database of this suite`);
	await withPostgres(async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	});
}

/** Deletes every Redis key containing `prefix` (n8n's queue and pub/sub keys of one run). */
export async function deleteRedisKeys(prefix: string): Promise<number> {
	const Redis = n8nModule<new (options: object) => RedisClient>('ioredis');
	const redis = new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: false, maxRetriesPerRequest: 1 });
	let deleted = 0;
	try {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
			if (keys.length > 0) deleted += await redis.del(...keys);
			cursor = next;
		} while (cursor !== '0');
		await redis.quit();
	} catch (error) {
		redis.disconnect();
		throw error;
	}
	return deleted;
}
