// The one-import campaign with its PostgreSQL ledger on n8n 2.41.1's queue mode (main, 2 workers,
// 2 webhook processors behind a loopback balancer), 300 calls, with the faults an operator meets:
// the worker placing the calls killed (SIGKILL) mid-campaign and started again, a webhook
// processor stopped while callbacks arrive, the main process restarted. The bench runs the same
// campaign with 10,000 calls (`npm run bench -- --only queue`).
import { runCampaignAtVolume } from './lib/campaign-at-volume';
import { createDatabase, dropDatabase } from './lib/queue-services';
import { describeQueueMode, N8N_VERSION } from './lib/queue-trigger';

const describeQueue = describeQueueMode();

describeQueue(`a campaign on n8n ${N8N_VERSION} queue mode with a PostgreSQL ledger, through its faults`, () => {
	test('300 calls; a worker killed mid-placement, main restarted, a webhook processor stopped: nobody called twice, no result lost or recorded twice', async () => {
		const lines: string[] = [];
		const ledger = await createDatabase();
		try {
			const result = await runCampaignAtVolume(
				{ calls: 300, perSecond: 10, callsPerBatch: 20, callDelayMs: 5000, queueMode: true, faults: true, sweep: true, log: (line) => lines.push(line) },
				ledger,
			);
			console.log(`[e2e] campaign at volume (queue mode, faults):\n  ${lines.join('\n  ')}\n  ${JSON.stringify(result)}`);
			expect(result.faults.map((f) => f.split(' ').slice(0, 3).join(' '))).toEqual(['worker placing the', 'main process restarted', 'webhook processor 1']);
			expect({ calledTwice: result.calledTwice, notCalled: result.notCalled, lost: result.lost, recordedTwice: result.recordedTwice }).toEqual({
				calledTwice: 0, notCalled: 0, lost: 0, recordedTwice: 0,
			});
			expect(result.byCallback + result.bySweep).toBe(300);
		} finally {
			await dropDatabase(ledger);
		}
	}, 900_000);
});
