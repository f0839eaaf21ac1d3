/**
 * What a ledger row costs in n8n's Data tables, as n8n itself counts it against
 * N8N_DATA_TABLES_MAX_SIZE_BYTES (instance-wide): the campaign's ledger table created with its
 * documented columns, filled with rows as a finished campaign leaves them (a placed, answered call
 * with its reason, request and reference IDs), and the size read from n8n's own
 * /rest/data-tables-global/limits. The rows a cap holds, and the days a business placing 10,000
 * or 100,000 calls a day has before it, follow from it.
 */
import { randomUUID } from 'node:crypto';

import { DataTables, LEDGER_COLUMNS } from '../e2e/lib/campaign';
import { startInstance } from '../e2e/lib/shared';
import type { Row } from './engine-bench';

const MIB = 2 ** 20;
/** The default cap of each line (n8n's data-table config: 200 MiB in 2.41.1, 50 MiB in 1.123.81). */
const CAPS = [
	{ line: 'n8n 2.41.1', bytes: 200 * MIB },
	{ line: 'n8n 1.123.81', bytes: 50 * MIB },
];
const CALLS_PER_DAY = [10_000, 100_000];

const progress = (line: string): void => console.log(`[bench] ledger size: ${line}`);

/** A ledger row as a finished call leaves it (the longest common case: answered, with a key). */
function finishedRow(i: number): Record<string, unknown> {
	const at = new Date(Date.UTC(2026, 11, 1, 1, 0, 0) + i * 50).toISOString();
	const phone = `0912${String(i).padStart(6, '0')}`;
	return {
		campaign: 'khuyen-mai-thang-12', row: i + 2, phone, status: 'answered', reason: '', recordingId: '1001',
		requestId: `c-khuyen-mai-thang-12-1234-${phone}`, referenceId: randomUUID(), keyPressed: '1',
		durationSeconds: 23, price: 850, queuedAt: at, dueAt: at, placedAt: at, resultAt: at, resultSource: 'callback',
	};
}

export async function benchLedgerSize(rows = 10_000): Promise<Row[]> {
	// No cache between a write and the read of the size (n8n caches it for 5 s, reset on writes).
	const { handle, client } = await startInstance({ line: '2', env: { N8N_DATA_TABLES_SIZE_CHECK_CACHE_DURATION_MS: '0' } });
	try {
		const tables = await DataTables.connect(client);
		const id = await tables.create('esms_campaign_calls', LEDGER_COLUMNS);
		const sizeOf = async (): Promise<number> => {
			const limits = await client.rest<{ data: { dataTables: Record<string, { sizeBytes: number }> } }>('GET', '/rest/data-tables-global/limits');
			return limits.data.dataTables[id]?.sizeBytes ?? 0;
		};
		const empty = await sizeOf();
		progress(`inserting ${rows} finished-call rows…`);
		await tables.insert(id, Array.from({ length: rows }, (_, i) => finishedRow(i)));
		const bytesPerRow = (await sizeOf() - empty) / rows;
		const out: Row[] = [{ measure: `bytes per ledger row (${rows} rows, SQLite, as n8n counts them)`, value: bytesPerRow.toFixed(0) }];
		for (const cap of CAPS) {
			const capRows = Math.floor(cap.bytes / bytesPerRow);
			out.push({ measure: `rows under the ${cap.bytes / MIB} MiB default cap of ${cap.line}`, value: capRows.toLocaleString('en-US') });
			for (const perDay of CALLS_PER_DAY) {
				out.push({ measure: `  days of ledger at ${perDay.toLocaleString('en-US')} calls a day`, value: (capRows / perDay).toFixed(1) });
			}
		}
		return out;
	} finally {
		await handle.stop();
	}
}
