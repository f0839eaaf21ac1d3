// The two n8n set-ups a campaign at volume runs on, both on PostgreSQL: n8n's queue mode (main,
// 2 workers, 2 webhook processors behind the loopback balancer) and one n8n process.
import type { N8nClient } from './n8n-client';
import { QueueInstance } from './queue-mode';
import { createDatabase, dropDatabase, n8nPostgresEnv } from './queue-services';
import { startInstance } from './shared';

export interface Deployment {
	/** Talks to the editor's API (through the balancer in queue mode). */
	client: N8nClient;
	/** Where eSMS and browsers reach it. */
	publicUrl: string;
	/** n8n's own database (executions). */
	n8nDatabase: string;
	/** Queue mode's processes, to stop, kill and restart. */
	queue?: QueueInstance;
	close(): Promise<void>;
}

export async function deployQueueMode(env: Record<string, string> = {}): Promise<Deployment> {
	const queue = await QueueInstance.start({ workers: 2, env });
	return { client: queue.client, publicUrl: queue.router.url, n8nDatabase: queue.database, queue, close: () => queue.close() };
}

/** One `n8n start` (regular mode) on a PostgreSQL database of its own, the package installed as for the e2e suite. */
export async function deploySingleProcess(env: Record<string, string> = {}): Promise<Deployment> {
	const database = await createDatabase();
	try {
		const { handle, client } = await startInstance({
			line: '2',
			env: { ...n8nPostgresEnv(database), ...env },
		});
		const close = async (): Promise<void> => {
			await handle.stop();
			await dropDatabase(database);
		};
		return { client, publicUrl: handle.baseUrl, n8nDatabase: database, close };
	} catch (error) {
		await dropDatabase(database);
		throw error;
	}
}
