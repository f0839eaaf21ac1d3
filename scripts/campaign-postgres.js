// Generates the PostgreSQL variant of the one-import campaign from the Data table workflow, so the
// two never drift: examples/campaign-from-spreadsheet-postgres.json and docs/postgres-ledger.sql.
// Every node is copied from examples/campaign-from-spreadsheet.json except the Data table nodes,
// which become Postgres Execute Query nodes (QUERIES below), and the few changes listed in buildVariant().
// Usage: npm run campaign:postgres (after editing the Data table workflow or this file).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SOURCE = 'examples/campaign-from-spreadsheet.json';
const TARGET = 'examples/campaign-from-spreadsheet-postgres.json';
const SQL_FILE = 'docs/postgres-ledger.sql';
const NAME = 'eSMS example: campaign from a spreadsheet (PostgreSQL ledger)';
const CREDENTIALS = { postgres: { id: '', name: 'Postgres account' } };
const PATH_SUFFIXES = ['', '-results', '-status', '-stop'];

const LEDGER = 'esms_campaign_calls';
const DO_NOT_CALL = 'esms_do_not_call';
// The Data table columns with their PostgreSQL types (quoted camelCase: rows keep the keys the Code nodes read).
const LEDGER_COLUMNS = {
	campaign: 'text', row: 'integer', phone: 'text', status: 'text', reason: 'text', recordingId: 'text',
	templateId: 'text', variables: 'text', requestId: 'text', referenceId: 'text', keyPressed: 'text',
	durationSeconds: 'integer', price: 'double precision', queuedAt: 'timestamptz', dueAt: 'timestamptz',
	placedAt: 'timestamptz', resultAt: 'timestamptz', resultSource: 'text',
};
const DO_NOT_CALL_COLUMNS = { phone: 'text UNIQUE', addedAt: 'timestamptz', source: 'text', referenceId: 'text' };
const LEDGER_INDEXES = { reference_id: ['referenceId'], request_id: ['requestId'], status_due_at: ['status', 'dueAt'], phone_due_at: ['phone', 'dueAt'], campaign: ['campaign'] };

const quoted = (column) => `"${column}"`;
const columnList = (columns) => Object.keys(columns).map(quoted).join(', ');
const definitions = (columns) => Object.entries(columns).map(([column, type]) => `${quoted(column)} ${type}`);

function createTable(table, columns) {
	const lines = ['"id" serial PRIMARY KEY', ...definitions(columns), '"createdAt" timestamptz NOT NULL DEFAULT now()', '"updatedAt" timestamptz NOT NULL DEFAULT now()'];
	return `CREATE TABLE IF NOT EXISTS ${table} (\n  ${lines.join(',\n  ')}\n)`;
}

// Every execution runs this (its first node after the triggers). CREATE TABLE IF NOT EXISTS takes no
// lock on an existing table, CREATE INDEX IF NOT EXISTS does (a share lock, which waits for every
// write in progress and holds up the ones after it): an index is created only when missing.
const createIndex = ([suffix, columns]) =>
	`  IF to_regclass('${LEDGER}_${suffix}') IS NULL THEN CREATE INDEX IF NOT EXISTS ${LEDGER}_${suffix} ON ${LEDGER} (${columns.map(quoted).join(', ')}); END IF;`;
const CREATE_SQL = [
	createTable(LEDGER, LEDGER_COLUMNS),
	`DO $indexes$ BEGIN\n${Object.entries(LEDGER_INDEXES).map(createIndex).join('\n')}\nEND $indexes$`,
	createTable(DO_NOT_CALL, DO_NOT_CALL_COLUMNS),
].join(';\n') + ';';

const STATUS = "$json.answered ? 'answered' : ($json.callStatus === 'noAnswer' ? 'noAnswer' : 'failed')";
const RESULT_SET = `SET "status" = $2::text, "keyPressed" = $3::text, "durationSeconds" = $4::integer, "price" = $5::double precision,\n  "resultAt" = $6::timestamptz`;
const RESULT_PARAMS = ['$json.referenceId ?? null', STATUS, "$json.keyPressed ?? ''", '$json.durationSeconds ?? 0', '$json.price ?? null', '$now.toISO()'];
// Only a row still placed: of two workers recording the same call, the second updates nothing.
const sweptResultUpdate = {
	sql: `UPDATE ${LEDGER}\n${RESULT_SET}, "resultSource" = 'sweep', "updatedAt" = now()\nWHERE "referenceId" = $1::text AND "status" = 'placed'\nRETURNING *`,
	params: RESULT_PARAMS,
};
// A callback finds its row by the request ID in its URL, also a row whose placing execution died
// before writing the reference ID (still placing, queued again, or stopped since); by the
// reference ID a call placed before the URL carried it. Still one conditional statement.
const callbackResultUpdate = {
	sql: `UPDATE ${LEDGER}\n${RESULT_SET}, "referenceId" = $1::text, "resultSource" = 'callback', "updatedAt" = now()\n` +
		`WHERE ("requestId" = $7::text AND "status" IN ('placing', 'placed', 'queued', 'stopped'))\n   OR ("referenceId" = $1::text AND "status" = 'placed')\nRETURNING *`,
	params: [...RESULT_PARAMS, '$json.raw.RequestId ?? null'],
};
// The Data table upsert overwrites the columns it sets on a phone already listed.
const doNotCallUpsert = (columns) => ({
	sql: `INSERT INTO ${DO_NOT_CALL} (${columns.map(quoted).join(', ')})\nVALUES (${columns.map((c, i) => `$${i + 1}::${c === 'addedAt' ? 'timestamptz' : 'text'}`).join(', ')})\n` +
		`ON CONFLICT ("phone") DO UPDATE SET ${columns.slice(1).map((c) => `${quoted(c)} = EXCLUDED.${quoted(c)}`).join(', ')}, "updatedAt" = now()`,
});
const PLACEMENT_COLUMNS = { id: 'integer', status: 'text', reason: 'text', referenceId: 'text', placedAt: 'timestamptz', dueAt: 'timestamptz' };

// Each Data table node's SQL; `params` become the one queryReplacement expression, $1..$n in order.
// A value that may be missing is `?? null`: n8n 2.41 skips undefined entries when it reads the list
// as text, which would shift the later ones.
const QUERIES = {
	'Ledger table': { name: 'Create tables', sql: CREATE_SQL, executeOnce: true, position: [-600, 300] },
	'Add opt-outs': {
		...doNotCallUpsert(['phone', 'addedAt', 'source']),
		params: ['$json.phoneCheck.phone', '$now.toISO()', "'file ' + ($('Upload a call list').first().json.List.filename ?? '')"],
	},
	'Do-not-call numbers': { sql: `SELECT * FROM ${DO_NOT_CALL} ORDER BY "id"` },
	'Called in the last 24 hours': {
		sql: `SELECT * FROM ${LEDGER} WHERE "dueAt" > $1::timestamptz ORDER BY "id"`,
		params: ['$now.minus({ hours: 24 }).toISO()'],
	},
	// Ordered by the file's row: the serial ids, and so the batches, follow the file.
	'Write ledger rows': {
		sql: `INSERT INTO ${LEDGER} (${columnList(LEDGER_COLUMNS)})\nSELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${definitions(LEDGER_COLUMNS).join(', ')})\nORDER BY "row"`,
		params: ["JSON.stringify($('Decide each row').first().json.rows)"],
		executeOnce: true,
		position: [1900, -250],
	},
	'Queue the calls': {
		sql: `UPDATE ${LEDGER} SET "status" = 'queued', "updatedAt" = now()\nWHERE "campaign" = $1::text AND "status" = 'pending' AND "queuedAt" = $2::timestamptz`,
		params: ["$('Decide each row').first().json.campaign", "$('Decide each row').first().json.queuedAt"],
	},
	'Queued rows due': {
		sql: `SELECT * FROM ${LEDGER} WHERE "status" = 'queued' AND "dueAt" <= $1::timestamptz ORDER BY "id"`,
		params: ['$now.toISO()'],
	},
	'Do-not-call now': { sql: `SELECT * FROM ${DO_NOT_CALL} ORDER BY "id"` },
	// n8n's clock, as in the Data table version (the rows' dueAt were written by it).
	'Claim the batch': {
		sql: `UPDATE ${LEDGER} SET "status" = 'placing', "reason" = 'claimed by execution ' || $1::text, "updatedAt" = now()\n` +
			`WHERE "id" BETWEEN $2::integer AND $3::integer AND "status" = 'queued' AND "dueAt" <= $4::timestamptz\n` +
			`  AND ("templateId" IS NOT NULL AND "templateId" <> '') = $5::boolean\nRETURNING *`,
		params: ['$execution.id', '$json.firstId', '$json.lastId', '$now.toISO()', '$json.template'],
	},
	// Only a row of the claim: still placing, or queued again (or stopped) as a stale claim while
	// this execution still ran, or placed by the execution that took it then, without a reference
	// ID (eSMS refused it, 124): whichever writes first, the row ends with the reference ID.
	'Write placements': {
		sql: `UPDATE ${LEDGER} AS c\nSET "status" = r."status", "reason" = r."reason", "referenceId" = r."referenceId", "placedAt" = r."placedAt", "dueAt" = r."dueAt", "updatedAt" = now()\n` +
			`FROM jsonb_to_recordset($1::jsonb) AS r(${definitions(PLACEMENT_COLUMNS).join(', ')})\n` +
			`WHERE c."id" = r."id" AND (c."status" IN ('placing', 'queued', 'stopped') OR (c."status" = 'placed' AND c."referenceId" IS NULL AND r."referenceId" IS NOT NULL))`,
		params: ["JSON.stringify($('Placement rows').first().json.rows)"],
		executeOnce: true,
		position: [1900, 100],
	},
	'Record result': callbackResultUpdate,
	// The cut-off is one parameter: a test may swap this exact text for $now.toISO().
	'Rows still placed': {
		sql: `SELECT * FROM ${LEDGER} WHERE "status" = 'placed' AND "dueAt" < $1::timestamptz AND COALESCE("referenceId", '') <> '' ORDER BY "id"`,
		params: ['$now.minus({ minutes: 10 }).toISO()'],
	},
	'Record swept result': sweptResultUpdate,
	'Add to do-not-call': {
		...doNotCallUpsert(['phone', 'addedAt', 'source', 'referenceId']),
		params: ['$json.phone', '$now.toISO()', "'key ' + $json.keyPressed + ' in campaign ' + $json.campaign", '$json.referenceId ?? null'],
	},
	'All rows': { sql: `SELECT * FROM ${LEDGER} ORDER BY "id"` },
	'All opt-outs': { sql: `SELECT * FROM ${DO_NOT_CALL} ORDER BY "id"` },
	'Stop its queued calls': {
		sql: `UPDATE ${LEDGER} SET "status" = 'stopped', "reason" = $2::text, "updatedAt" = now()\nWHERE "campaign" = $1::text AND "status" = 'queued'`,
		params: ["$('Stop a campaign').first().json.body.campaign ?? null", "'stopped at ' + $now.setZone('Asia/Ho_Chi_Minh').toFormat('yyyy-MM-dd HH:mm') + ' (Vietnam time)'"],
	},
};
// Only here: rows claimed by an execution that died (a worker killed) before writing its placements,
// queued again (or stopped, with their campaign). Placed again under the same request ID, eSMS
// refuses (124) the ones it had and places the others; their callbacks name their rows.
const REQUEUE_STALE_CLAIMS = {
	name: 'Requeue stale claims',
	sql: `UPDATE ${LEDGER} AS c\nSET "status" = CASE WHEN EXISTS (SELECT 1 FROM ${LEDGER} s WHERE s."campaign" = c."campaign" AND s."status" = 'stopped') THEN 'stopped' ELSE 'queued' END,\n` +
		`  "reason" = 'claimed at ' || to_char(c."updatedAt" AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') || ' by an execution that ended before writing its placements', "updatedAt" = now()\n` +
		`WHERE c."status" = 'placing' AND c."updatedAt" < $1::timestamptz`,
	params: ['$now.minus({ minutes: 10 }).toISO()'],
	position: [560, 40],
};

// Replaced by Create tables, by the one-statement writes, or needed only for tables found by ID (n8n 1.x).
const DROPPED = ['Do-not-call table', 'Tables', 'Tables by ID?', 'Ledger rows', 'Ledger rows (by ID)', 'Write ledger rows (by ID)',
	'Placements by ID?', 'Placements', 'Placements (by ID)', 'Write placements (by ID)', 'Remove claimed rows'];

// What each Data table node did when its SQL above was written (its parameters without the
// editor's column schema and the table reference, and its flags). A change stops the generation
// until the SQL is checked against it and the fingerprint updated.
const FINGERPRINTS = {
	'Ledger table': '81f5c77dbf18', 'Do-not-call table': 'db6cae4e6fee', 'Add opt-outs': 'c1ce28351354',
	'Do-not-call numbers': '2048f7be3e67', 'Called in the last 24 hours': '3da2fff7f91d', 'Write ledger rows': '0d8dd9aad728',
	'Write ledger rows (by ID)': 'ff4148b73d57', 'Queue the calls': '63309ba5c726', 'Queued rows due': '5c0e4d4e0bfa',
	'Do-not-call now': '2048f7be3e67', 'Claim the batch': '0f9acd11c549', 'Write placements': '0d8dd9aad728',
	'Write placements (by ID)': '0d8dd9aad728', 'Remove claimed rows': '52addedeb504', 'Record result': 'bf54a96a551d',
	'Rows still placed': '13a62410fbbc', 'Record swept result': 'b5cc8d9fdc7e', 'Add to do-not-call': 'e0d59cbf919d',
	'All rows': '2048f7be3e67', 'All opt-outs': '2048f7be3e67', 'Stop its queued calls': 'fc9d69c75255',
};

function fingerprint(node) {
	const parameters = { ...node.parameters, dataTableId: undefined };
	if (parameters.columns) parameters.columns = { ...parameters.columns, schema: undefined };
	const flags = { executeOnce: node.executeOnce, alwaysOutputData: node.alwaysOutputData, onError: node.onError };
	return crypto.createHash('sha256').update(JSON.stringify({ parameters, flags })).digest('hex').slice(0, 12);
}

/** A UUID (version 4 layout) from the node's name: the same on every run, unlike the Data table version's. */
function idFor(name) {
	const hex = crypto.createHash('sha256').update(`campaign-postgres:${name}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function replaceOnce(text, from, to, where) {
	if (text.split(from).length !== 2) throw new Error(`${where}: expected the text ${JSON.stringify(from)} once`);
	return text.replace(from, () => to);
}

/** Every string of a value with the trigger paths renamed (esms-campaign-status → esms-campaign-pg-status, …). */
function renamePaths(value, where) {
	if (typeof value === 'string') {
		return value.replace(/esms-campaign(-[a-z]+)?/g, (match, suffix = '') => {
			if (!PATH_SUFFIXES.includes(suffix)) throw new Error(`${where}: unknown campaign path "${match}"`);
			return `esms-campaign-pg${suffix}`;
		});
	}
	if (Array.isArray(value)) return value.map((v) => renamePaths(v, where));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamePaths(v, where)]));
	return value;
}

function postgresNode(source, spec) {
	const name = spec.name ?? source.name;
	const options = spec.params ? { queryReplacement: `={{ [ ${spec.params.join(', ')} ] }}` } : {};
	const node = { parameters: { operation: 'executeQuery', query: spec.sql, options }, id: idFor(name), name, type: 'n8n-nodes-base.postgres', typeVersion: 2.6, position: spec.position ?? source.position };
	for (const flag of ['executeOnce', 'alwaysOutputData', 'onError']) {
		const value = spec[flag] ?? source[flag];
		if (value !== undefined) node[flag] = value;
	}
	node.credentials = structuredClone(CREDENTIALS);
	return node;
}

/**
 * A Filter/If condition that lets only ledger rows through: an UPDATE … RETURNING that matched
 * nothing gives one item {success: true} instead.
 */
const isLedgerRow = (id) => ({ id, leftValue: '={{ $json.id !== undefined }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } });

/** After the claim: only claimed rows go on. */
function claimedRowsNode(position) {
	return {
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [isLedgerRow('r1')],
				combinator: 'and',
			},
			options: {},
		},
		id: idFor('Claimed rows'), name: 'Claimed rows', type: 'n8n-nodes-base.filter', typeVersion: 2.2, position,
	};
}

function checkSource(workflow) {
	const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
	for (const name of [...Object.keys(QUERIES), ...DROPPED]) if (!byName.has(name)) throw new Error(`${SOURCE} has no node "${name}"`);
	for (const node of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable')) {
		if (!QUERIES[node.name] && !DROPPED.includes(node.name)) throw new Error(`the Data table node "${node.name}" has no SQL here`);
		if (FINGERPRINTS[node.name] !== fingerprint(node)) {
			throw new Error(`the Data table node "${node.name}" changed (fingerprint ${fingerprint(node)}): check its SQL, then update FINGERPRINTS`);
		}
	}
	const columnNames = (name) => byName.get(name).parameters.columns.column.map((c) => c.name).join();
	if (columnNames('Ledger table') !== Object.keys(LEDGER_COLUMNS).join()) throw new Error('the ledger columns changed: update LEDGER_COLUMNS');
	if (columnNames('Do-not-call table') !== Object.keys(DO_NOT_CALL_COLUMNS).join()) throw new Error('the do-not-call columns changed: update DO_NOT_CALL_COLUMNS');
}

/** The PostgreSQL variant of the Data table workflow (both as parsed JSON). */
function buildVariant(source) {
	checkSource(source);
	const nodes = [];
	for (const original of source.nodes) {
		if (DROPPED.includes(original.name)) continue;
		const node = renamePaths(structuredClone(original), original.name);
		if (QUERIES[node.name]) nodes.push(postgresNode(node, QUERIES[node.name]));
		else nodes.push(node);
		if (node.name === 'Claim the batch') nodes.push(claimedRowsNode([1000, 260]));
		if (node.name === 'Queued rows due') nodes.push(postgresNode(node, REQUEUE_STALE_CLAIMS));
	}
	const node = (name) => nodes.find((n) => n.name === name);
	const settings = JSON.parse(node('Settings').parameters.jsonOutput);
	delete settings.ledgerTableId;
	delete settings.doNotCallTableId;
	node('Settings').parameters.jsonOutput = JSON.stringify(settings, null, 2);
	// Written back by id, so the rows keep it (the Data table version writes new rows).
	const placement = node('Placement rows').parameters;
	placement.jsCode = replaceOnce(placement.jsCode, 'const { id, createdAt, updatedAt, ...row } = claimed;', 'const { createdAt, updatedAt, ...row } = claimed;', 'Placement rows');
	placement.jsCode = replaceOnce(placement.jsCode, 'Written as new rows in one go, then the claimed\n// rows are removed', 'Written back in one update of\n// the claimed rows by id', 'Placement rows');
	// Record result updates nothing when the row was not placed any more: no opt-out then.
	node('Opted out?').parameters.conditions.conditions.push(isLedgerRow('k2'));
	const note = node('Note 01').parameters;
	note.content = replaceOnce(note.content, '## eSMS voice campaign from a spreadsheet', '## eSMS voice campaign from a spreadsheet (PostgreSQL ledger)', 'Note 01');
	note.content = replaceOnce(note.content, ' and *Get Status*.', ' and *Get Status*, and your **Postgres** credential in every Postgres node.', 'Note 01');
	const oneX = note.content.indexOf('\n\n**n8n 1.x**');
	if (oneX === -1) throw new Error('Note 01: expected its n8n 1.x paragraph');
	note.content = note.content.slice(0, oneX) +
		`\n\nThe ledger and the do-not-call list are the PostgreSQL tables \`${LEDGER}\` and \`${DO_NOT_CALL}\`, created by *Create tables* (or beforehand from docs/postgres-ledger.sql). The same on n8n 2.x and 1.x.`;
	const connections = structuredClone(source.connections);
	for (const name of [...DROPPED, 'Ledger table']) delete connections[name];
	const wire = (from, to) => (connections[from] = { main: [[{ node: to, type: 'main', index: 0 }]] });
	wire('Settings', 'Create tables');
	wire('Create tables', 'Which trigger');
	wire('Decide each row', 'Write ledger rows');
	wire('Claim the batch', 'Claimed rows');
	wire('Claimed rows', 'Template?');
	wire('Placement rows', 'Write placements');
	wire('Write placements', 'In batches');
	// The schedule requeues stale claims before it reads the queued rows.
	const scheduled = connections['Which trigger'].main[2];
	if (scheduled[0]?.node !== 'Queued rows due') throw new Error('Which trigger: expected the schedule output to start with Queued rows due');
	scheduled[0] = { node: REQUEUE_STALE_CLAIMS.name, type: 'main', index: 0 };
	wire(REQUEUE_STALE_CLAIMS.name, 'Queued rows due');
	const variant = { name: NAME, nodes, connections, settings: structuredClone(source.settings) };
	checkVariant(variant);
	return variant;
}

function checkVariant(workflow) {
	const names = new Set(workflow.nodes.map((n) => n.name));
	for (const [from, outputs] of Object.entries(workflow.connections)) {
		const targets = outputs.main.flat().map((c) => c.node);
		for (const name of [from, ...targets]) if (!names.has(name)) throw new Error(`a connection names the missing node "${name}"`);
	}
	for (const [, name] of JSON.stringify(workflow.nodes).matchAll(/\$\('([^']+)'\)/g)) {
		if (!names.has(name)) throw new Error(`an expression reads the missing node "${name}"`);
	}
}

const SQL_HEADER = `-- The two tables of examples/campaign-from-spreadsheet-postgres.json, for a DBA who creates them
-- beforehand (its node Create tables runs the same statements: IF NOT EXISTS, so either way works).
-- Generated by scripts/campaign-postgres.js: edit that file, not this one.
`;

function ledgerSqlFile() {
	return `${SQL_HEADER}${CREATE_SQL}\n`;
}

const workflowText = (workflow) => `${JSON.stringify(workflow, null, 1)}\n`;

if (require.main === module) {
	const source = JSON.parse(fs.readFileSync(path.join(ROOT, SOURCE), 'utf8'));
	fs.writeFileSync(path.join(ROOT, TARGET), workflowText(buildVariant(source)));
	fs.writeFileSync(path.join(ROOT, SQL_FILE), ledgerSqlFile());
	console.log(`wrote ${TARGET} and ${SQL_FILE}`);
}

module.exports = { SOURCE, TARGET, SQL_FILE, CREATE_SQL, buildVariant, ledgerSqlFile, workflowText };
