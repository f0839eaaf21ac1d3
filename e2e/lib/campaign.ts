// n8n's Data tables over the editor's REST API (the same routes on 2.41.1 and 1.123.81; 1.x's
// public API has none), for the campaign e2e.
import type { N8nClient } from './n8n-client';

export type ColumnType = 'string' | 'number' | 'boolean' | 'date';
export type Row = Record<string, unknown> & { id: number };

/** The ledger's and the do-not-call table's columns, as the docs tell an n8n 1.x user to create them. */
export const LEDGER_COLUMNS: Array<[string, ColumnType]> = [
	['campaign', 'string'], ['row', 'number'], ['phone', 'string'], ['status', 'string'], ['reason', 'string'],
	['recordingId', 'string'], ['templateId', 'string'], ['variables', 'string'], ['requestId', 'string'], ['referenceId', 'string'], ['keyPressed', 'string'],
	['durationSeconds', 'number'], ['price', 'number'], ['queuedAt', 'date'], ['dueAt', 'date'],
	['placedAt', 'date'], ['resultAt', 'date'], ['resultSource', 'string'],
];
export const DO_NOT_CALL_COLUMNS: Array<[string, ColumnType]> = [['phone', 'string'], ['addedAt', 'date'], ['source', 'string'], ['referenceId', 'string']];

/** The owner's personal project holds the tables the Data table node finds by name. */
export class DataTables {
	private constructor(
		private readonly client: N8nClient,
		readonly projectId: string,
	) {}

	static async connect(client: N8nClient): Promise<DataTables> {
		const project = await client.rest<{ data: { id: string } }>('GET', '/rest/projects/personal');
		return new DataTables(client, project.data.id);
	}

	async create(name: string, columns: Array<[string, ColumnType]>): Promise<string> {
		const body = { name, columns: columns.map(([column, type]) => ({ name: column, type })) };
		const created = await this.client.rest<{ data: { id: string } }>('POST', `/rest/projects/${this.projectId}/data-tables`, body);
		return created.data.id;
	}

	/** Inserts rows (the editor's own route), in chunks; returns how many were inserted. */
	async insert(tableId: string, rows: Array<Record<string, unknown>>, chunk = 1000): Promise<number> {
		let inserted = 0;
		for (let at = 0; at < rows.length; at += chunk) {
			const body = { data: rows.slice(at, at + chunk), returnType: 'count' };
			await this.client.rest('POST', `/rest/projects/${this.projectId}/data-tables/${tableId}/insert`, body);
			inserted += Math.min(chunk, rows.length - at);
		}
		return inserted;
	}

	/** The id of the project's table with exactly this name, if any. */
	async idOf(name: string): Promise<string | undefined> {
		const list = await this.client.rest<{ data: { data: Array<{ id: string; name: string }> } }>('GET', `/rest/projects/${this.projectId}/data-tables?take=100`);
		return list.data.data.find((table) => table.name === name)?.id;
	}

	/** Every row, oldest first (the REST route pages by at most 250). */
	async rows(tableId: string): Promise<Row[]> {
		const all: Row[] = [];
		for (;;) {
			const query = new URLSearchParams({ skip: String(all.length), take: '250', sortBy: 'id:asc' });
			const page = await this.client.rest<{ data: { count: number; data: Row[] } }>(
				'GET',
				`/rest/projects/${this.projectId}/data-tables/${tableId}/rows?${query}`,
			);
			all.push(...page.data.data);
			if (page.data.data.length === 0 || all.length >= page.data.count) return all;
		}
	}
}
