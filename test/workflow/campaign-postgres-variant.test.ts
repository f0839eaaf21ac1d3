// The PostgreSQL campaign (examples/campaign-from-spreadsheet-postgres.json) is generated from the
// Data table one by scripts/campaign-postgres.js. These checks keep the committed file what the
// script makes of the Data table workflow now, and its SQL consistent with its query parameters.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, any>;
	executeOnce?: boolean;
	alwaysOutputData?: boolean;
	onError?: string;
	credentials?: Record<string, unknown>;
}
interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/campaign-postgres.js') as {
	SOURCE: string;
	TARGET: string;
	SQL_FILE: string;
	buildVariant(source: Workflow): Workflow;
	ledgerSqlFile(): string;
	workflowText(workflow: Workflow): string;
};

const read = (file: string): string => fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8');
const source = JSON.parse(read(generator.SOURCE)) as Workflow;
const variant = JSON.parse(read(generator.TARGET)) as Workflow;
const nodeOf = (workflow: Workflow, name: string): WorkflowNode => {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`no node "${name}" in "${workflow.name}"`);
	return node;
};
const postgresNodes = variant.nodes.filter((n) => n.type === 'n8n-nodes-base.postgres');
const renamed = (text: string): string => text.replace(/esms-campaign/g, 'esms-campaign-pg');
// Replaced by the one Create tables node, the one-statement writes, or needed only on n8n 1.x's tables by ID.
const DROPPED = ['Ledger table', 'Do-not-call table', 'Tables', 'Tables by ID?', 'Ledger rows', 'Ledger rows (by ID)', 'Write ledger rows (by ID)',
	'Placements by ID?', 'Placements', 'Placements (by ID)', 'Write placements (by ID)', 'Remove claimed rows'];
// The nodes the variant changes besides the Data table ones (each checked on its own below).
const CHANGED = ['Settings', 'Placement rows', 'Opted out?', 'Note 01'];

/** The elements of a `={{ [ a, b, … ] }}` expression, split at its top-level commas. */
function arrayElements(expression: string): string[] {
	const inner = /^=\{\{ \[ (.*) \] \}\}$/s.exec(expression);
	if (!inner) throw new Error(`not one array expression: ${expression}`);
	const elements: string[] = [];
	let depth = 0;
	let quote = '';
	let current = '';
	for (let i = 0; i < inner[1].length; i++) {
		const ch = inner[1][i];
		if (quote) {
			if (ch === '\\') {
				current += ch + inner[1][++i];
				continue;
			}
			if (ch === quote) quote = '';
		} else if (`'"\``.includes(ch)) quote = ch;
		else if ('([{'.includes(ch)) depth++;
		else if (')]}'.includes(ch)) depth--;
		else if (ch === ',' && depth === 0) {
			elements.push(current.trim());
			current = '';
			continue;
		}
		current += ch;
	}
	return [...elements, current.trim()];
}

describe('the PostgreSQL variant of the campaign', () => {
	test('the committed files are what the script generates from the Data table workflow now', () => {
		expect(read(generator.TARGET)).toBe(generator.workflowText(generator.buildVariant(source)));
		expect(read(generator.SQL_FILE)).toBe(generator.ledgerSqlFile());
		expect(variant.name).toBe('eSMS example: campaign from a spreadsheet (PostgreSQL ledger)');
	});

	test("docs/postgres-ledger.sql holds Create tables' statements", () => {
		const statements = read(generator.SQL_FILE).split('\n').filter((line) => !line.startsWith('--')).join('\n').trim();
		expect(statements).toBe(nodeOf(variant, 'Create tables').parameters.query);
		expect(statements.match(/CREATE (TABLE|INDEX) IF NOT EXISTS \w+/g)).toEqual([
			'CREATE TABLE IF NOT EXISTS esms_campaign_calls',
			'CREATE INDEX IF NOT EXISTS esms_campaign_calls_reference_id',
			'CREATE INDEX IF NOT EXISTS esms_campaign_calls_request_id',
			'CREATE INDEX IF NOT EXISTS esms_campaign_calls_status_due_at',
			'CREATE INDEX IF NOT EXISTS esms_campaign_calls_phone_due_at',
			'CREATE INDEX IF NOT EXISTS esms_campaign_calls_campaign',
			'CREATE TABLE IF NOT EXISTS esms_do_not_call',
		]);
		// An index is created only when it is missing: CREATE INDEX takes a lock on the table even when it exists.
		for (const [, index] of statements.matchAll(/CREATE INDEX IF NOT EXISTS (\w+)/g)) {
			expect(statements).toContain(`IF to_regclass('${index}') IS NULL THEN CREATE INDEX IF NOT EXISTS ${index} ON`);
		}
	});

	test('no Data table node, table lookup or table ID setting is left; every $() names a node', () => {
		expect(variant.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable').map((n) => n.name)).toEqual([]);
		const text = JSON.stringify(variant);
		for (const gone of ["$('Tables')", 'ledgerTableId', 'doNotCallTableId']) expect(text).not.toContain(gone);
		const names = new Set(variant.nodes.map((n) => n.name));
		const read$ = [...text.matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1]);
		expect(read$.filter((name) => !names.has(name))).toEqual([]);
		expect(JSON.parse(nodeOf(variant, 'Settings').parameters.jsonOutput)).toEqual({ optOutKey: '9', callsPerBatch: 20, callsPerSecond: 0 });
	});

	test('the nodes: the Data table ones replaced, the table plumbing dropped, Claimed rows and Requeue stale claims added', () => {
		const dataTableNames = source.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable').map((n) => n.name);
		const expected = source.nodes.map((n) => n.name).filter((name) => !DROPPED.includes(name));
		expect(variant.nodes.map((n) => n.name).sort()).toEqual([...expected, 'Create tables', 'Claimed rows', 'Requeue stale claims'].sort());
		expect(postgresNodes.map((n) => n.name).sort()).toEqual([...dataTableNames.filter((name) => !DROPPED.includes(name)), 'Create tables', 'Requeue stale claims'].sort());
		const ids = variant.nodes.map((n) => (n as unknown as { id: string }).id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	test('every other node is copied unchanged, but for the renamed paths', () => {
		for (const node of variant.nodes) {
			if (node.type === 'n8n-nodes-base.postgres' || CHANGED.includes(node.name) || node.name === 'Claimed rows') continue;
			expect(node).toEqual(JSON.parse(renamed(JSON.stringify(nodeOf(source, node.name)))));
		}
	});

	test('every Code node but Placement rows is the Data table version\'s; Placement rows keeps the id', () => {
		const codes = (workflow: Workflow): Array<[string, string]> =>
			workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.code').map((n) => [n.name, n.parameters.jsCode as string]);
		const original = new Map(codes(source));
		expect(codes(variant).map(([name]) => name)).toEqual([...original.keys()]);
		for (const [name, code] of codes(variant)) if (name !== 'Placement rows') expect(code).toBe(renamed(original.get(name)!));
		const before = original.get('Placement rows')!.split('\n');
		const after = (nodeOf(variant, 'Placement rows').parameters.jsCode as string).split('\n');
		expect(after).toHaveLength(before.length);
		expect(after.filter((line, i) => line !== before[i])).toEqual([
			'// back in the queue until the calling window opens. Written back in one update of',
			'// the claimed rows by id (one update per row would cost more than the calls themselves).',
			'  const { createdAt, updatedAt, ...row } = claimed;',
		]);
	});

	test('Opted out? lets only rows through: not the {success: true} of an update that matched none', () => {
		const conditions = nodeOf(variant, 'Opted out?').parameters.conditions.conditions as Array<{ leftValue: string }>;
		expect(conditions.map((c) => c.leftValue)).toEqual([...nodeOf(source, 'Opted out?').parameters.conditions.conditions.map((c: { leftValue: string }) => c.leftValue), '={{ $json.id !== undefined }}']);
		expect(nodeOf(variant, 'Claimed rows').parameters.conditions.conditions[0].leftValue).toBe('={{ $json.id !== undefined }}');
	});

	test('the trigger paths and every URL built from them are the -pg ones', () => {
		expect([
			nodeOf(variant, 'Upload a call list').parameters.options.path,
			nodeOf(variant, 'Call results').parameters.options.path,
			nodeOf(variant, 'Status page').parameters.path,
			nodeOf(variant, 'Stop a campaign').parameters.path,
		]).toEqual(['esms-campaign-pg', 'esms-campaign-pg-results', 'esms-campaign-pg-status', 'esms-campaign-pg-stop']);
		const paths = new Set(JSON.stringify(variant.nodes).match(/esms-campaign[\w-]*/g));
		expect([...paths].sort()).toEqual(['esms-campaign-pg', 'esms-campaign-pg-results', 'esms-campaign-pg-status', 'esms-campaign-pg-stop']);
		for (const call of ['Call', 'Call with template']) {
			expect(nodeOf(variant, call).parameters.additionalFields.callbackUrl).toBe(
				"={{ $execution.resumeUrl.split('/webhook-waiting/')[0] }}/webhook/esms-campaign-pg-results?requestId={{ encodeURIComponent($json.requestId) }}",
			);
		}
	});

	test('the rewiring around the dropped nodes', () => {
		const next = (name: string) => variant.connections[name].main.map((output) => output.map((c) => c.node));
		expect(next('Settings')).toEqual([['Create tables']]);
		expect(next('Create tables')).toEqual([['Which trigger']]);
		expect(next('Decide each row')).toEqual([['Write ledger rows']]);
		expect(next('Write ledger rows')).toEqual([['Queue the calls']]);
		expect(next('Claim the batch')).toEqual([['Claimed rows']]);
		expect(next('Claimed rows')).toEqual([['Template?']]);
		expect(next('Placement rows')).toEqual([['Write placements']]);
		expect(next('Write placements')).toEqual([['In batches']]);
		// The schedule: stale claims queued again before the queued rows are read; the sweep beside it.
		expect(next('Which trigger')[2]).toEqual(['Requeue stale claims', 'Rows still placed']);
		expect(next('Requeue stale claims')).toEqual([['Queued rows due']]);
	});

	test('every Postgres node: Execute Query 2.6, the Postgres credential, and its flags', () => {
		for (const node of postgresNodes) {
			expect([node.name, node.parameters.operation, (node as unknown as { typeVersion: number }).typeVersion, node.credentials]).toEqual([
				node.name, 'executeQuery', 2.6, { postgres: { id: '', name: 'Postgres account' } },
			]);
		}
		const flags = Object.fromEntries(postgresNodes.map((n) => [n.name, [n.executeOnce ?? false, n.alwaysOutputData ?? false, n.onError ?? '']]));
		expect(flags).toEqual({
			'Create tables': [true, false, 'continueRegularOutput'],
			'Add opt-outs': [false, false, ''],
			'Do-not-call numbers': [true, true, ''],
			'Called in the last 24 hours': [true, true, ''],
			'Write ledger rows': [true, false, ''],
			'Queue the calls': [true, true, ''],
			'Queued rows due': [true, false, ''],
			'Requeue stale claims': [true, false, ''],
			'Do-not-call now': [true, true, ''],
			'Claim the batch': [true, false, ''],
			'Write placements': [true, false, ''],
			'Record result': [false, false, ''],
			'Rows still placed': [true, false, ''],
			'Record swept result': [false, false, ''],
			'Add to do-not-call': [false, false, ''],
			'All rows': [true, true, ''],
			'All opt-outs': [true, true, ''],
			'Stop its queued calls': [true, true, ''],
		});
	});

	test('the top-level elements of an array expression', () => {
		expect(arrayElements("={{ [ $json.a ?? null, f(b, [c, d]), 'x, \\'y', $now.minus({ minutes: 10, seconds: 1 }).toISO() ] }}")).toEqual([
			'$json.a ?? null', 'f(b, [c, d])', "'x, \\'y'", '$now.minus({ minutes: 10, seconds: 1 }).toISO()',
		]);
		expect(() => arrayElements('={{ $json.a }}')).toThrow('not one array expression');
	});

	test.each(postgresNodes.map((n) => [n.name, n] as const))('%s: its SQL uses $1..$n, n being its query parameters', (_name, node) => {
		const query = node.parameters.query as string;
		const replacement = node.parameters.options.queryReplacement as string | undefined;
		const count = replacement === undefined ? 0 : arrayElements(replacement).length;
		const used = [...new Set([...query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
		expect(used).toEqual(Array.from({ length: count }, (_, i) => i + 1));
		// n8n would evaluate {{ }} in the query, and a }} inside the expression ends it early.
		expect(query).not.toContain('{{');
		if (replacement !== undefined) expect(replacement.indexOf('}}')).toBe(replacement.length - 2);
	});

	test("the sweep's and the stale claims' cut-offs are one parameter each a test can swap", () => {
		expect(nodeOf(variant, 'Rows still placed').parameters.options.queryReplacement).toBe('={{ [ $now.minus({ minutes: 10 }).toISO() ] }}');
		expect(nodeOf(variant, 'Requeue stale claims').parameters.options.queryReplacement).toBe('={{ [ $now.minus({ minutes: 10 }).toISO() ] }}');
	});

	test('a change to a Data table node stops the generation until its SQL is checked', () => {
		const changed = structuredClone(source);
		nodeOf(changed, 'Rows still placed').parameters.filters.conditions[1].keyValue = '={{ $now.minus({ minutes: 5 }).toISO() }}';
		expect(() => generator.buildVariant(changed)).toThrow(/^the Data table node "Rows still placed" changed \(fingerprint [0-9a-f]{12}\)/);
		const unknownPath = structuredClone(source);
		nodeOf(unknownPath, 'Status page').parameters.path = 'esms-campaign-report';
		expect(() => generator.buildVariant(unknownPath)).toThrow('Status page: unknown campaign path "esms-campaign-report"');
	});
});
