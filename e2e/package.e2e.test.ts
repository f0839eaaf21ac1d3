// What a user gets from the installed package, as n8n's editor sees it: the copy n8n loads came
// from the local npm registry (not a link to this source tree), both node types carry their codex
// (category, search aliases, documentation links from nodes/*/*.node.json), and the icons n8n lists
// are served. The credential test passing and failing is in smoke.e2e.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PROJECT_ROOT } from './lib/runtime';
import { connectN8n, type Connection } from './lib/shared';
import { CREDENTIAL_TYPE, NODE_TYPES } from './lib/workflows';

interface Codex {
	categories?: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources?: Record<string, Array<{ url: string }> | undefined>;
}

interface NodeTypeJson {
	name: string;
	displayName: string;
	codex?: Codex;
	iconUrl?: string | { light: string; dark: string };
}

/** The codex file as committed (read now, so content changes need no test change). */
function sourceCodex(folder: string): Codex & { node: string } {
	const file = path.join(PROJECT_ROOT, 'nodes', folder, `${folder}.node.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as Codex & { node: string };
}

const NODES = [
	{ folder: 'EsmsVoice', type: NODE_TYPES.action },
	{ folder: 'EsmsVoiceTrigger', type: NODE_TYPES.trigger },
];

describe('the package as installed in n8n', () => {
	let n8n: Connection;
	let nodeTypes: NodeTypeJson[];

	beforeAll(async () => {
		n8n = await connectN8n();
		nodeTypes = await n8n.client.rest<NodeTypeJson[]>('GET', '/types/nodes.json');
	});

	afterAll(async () => {
		await n8n?.close();
	});

	test('n8n loads a copy installed from the registry, with only its own n8n-workflow', () => {
		// ESMS_E2E_PACKAGE_SOURCE=link (a symlink to the source tree) is for quick local runs only.
		if (n8n.source === 'link') {
			expect(fs.realpathSync(n8n.packagePath)).toBe(fs.realpathSync(PROJECT_ROOT));
			return;
		}
		const stat = fs.lstatSync(n8n.packagePath);
		expect(stat.isDirectory() && !stat.isSymbolicLink()).toBe(true);
		expect(fs.realpathSync(n8n.packagePath).startsWith(fs.realpathSync(PROJECT_ROOT))).toBe(false);
		const installed = JSON.parse(fs.readFileSync(path.join(n8n.packagePath, 'package.json'), 'utf8')) as Record<string, unknown>;
		const source = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(installed.name).toBe(source.name);
		expect(installed.version).toBe(source.version);
		// n8n's installer strips these: the nodes resolve n8n-workflow from n8n itself.
		expect(installed.peerDependencies).toBeUndefined();
		expect(installed.devDependencies).toBeUndefined();
		expect(fs.existsSync(path.join(n8n.packagePath, 'node_modules', 'n8n-workflow'))).toBe(false);
		// Only what `files` publishes: no sources, no tests.
		expect(fs.existsSync(path.join(n8n.packagePath, 'nodes'))).toBe(false);
		expect(fs.existsSync(path.join(n8n.packagePath, 'test'))).toBe(false);
		// Only what n8n loads from dist/: JavaScript, codex files and icons (no source maps, no declarations).
		const dist = fs.readdirSync(path.join(n8n.packagePath, 'dist'), { recursive: true, withFileTypes: true });
		const extensions = new Set(dist.filter((entry) => entry.isFile()).map((entry) => path.extname(entry.name)));
		expect([...extensions].sort()).toEqual(['.js', '.json', '.svg']);
		const nodesManifest = JSON.parse(fs.readFileSync(path.join(n8n.packagePath, '..', '..', 'package.json'), 'utf8')) as {
			dependencies: Record<string, string>;
		};
		expect(nodesManifest.dependencies[String(source.name)]).toBe(source.version);
	});

	test.each(NODES)('$type is listed with the codex of nodes/$folder/$folder.node.json', ({ folder, type }) => {
		const expected = sourceCodex(folder);
		expect(expected.node).toBe(type);
		const listed = nodeTypes.find((node) => node.name === type);
		expect(listed).toBeDefined();
		const codex = listed?.codex;
		expect(codex).toBeDefined();
		// Fixed must-haves: a category puts the node in the panel's sections; aliases make it findable.
		expect(codex?.categories?.length).toBeGreaterThan(0);
		expect(codex?.alias?.length).toBeGreaterThan(0);
		expect(codex?.resources?.primaryDocumentation?.[0]?.url).toMatch(/^https:\/\//);
		expect(codex?.categories).toEqual(expected.categories);
		expect(codex?.alias).toEqual(expected.alias);
		if (expected.subcategories) expect(codex?.subcategories).toEqual(expected.subcategories);
		expect(codex?.resources?.primaryDocumentation).toEqual(expected.resources?.primaryDocumentation);
		expect(codex?.resources?.credentialDocumentation).toEqual(expected.resources?.credentialDocumentation);
	});

	test('n8n found a codex for every node of the package', () => {
		expect(n8n.logs()).not.toMatch(/No codex available for: esmsVoice/);
	});

	test.each(NODES)('the icons n8n lists for $type are served', async ({ folder, type }) => {
		const listed = nodeTypes.find((node) => node.name === type);
		const iconUrl = listed?.iconUrl;
		expect(iconUrl).toBeDefined();
		const urls = typeof iconUrl === 'string' ? [iconUrl] : [iconUrl?.light, iconUrl?.dark];
		expect(urls.every((url) => typeof url === 'string' && url.startsWith('icons/n8n-nodes-esms-voice/'))).toBe(true);
		for (const url of urls as string[]) {
			const response = await fetch(`${n8n.baseUrl}/${url}`);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
			const served = await response.text();
			// The same bytes as the committed icon (dist/ mirrors nodes/).
			const relative = url.replace(/^icons\/n8n-nodes-esms-voice\/dist\//, '');
			expect(relative.startsWith(`nodes/${folder}/`)).toBe(true);
			expect(served).toBe(fs.readFileSync(path.join(PROJECT_ROOT, relative), 'utf8'));
		}
	});

	test('the credential type is listed with its icon served', async () => {
		const credentials = await n8n.client.rest<Array<{ name: string; iconUrl?: string | { light: string; dark: string } }>>(
			'GET',
			'/types/credentials.json',
		);
		const listed = credentials.find((credential) => credential.name === CREDENTIAL_TYPE);
		expect(listed).toBeDefined();
		const iconUrl = listed?.iconUrl;
		const urls = typeof iconUrl === 'string' ? [iconUrl] : [iconUrl?.light, iconUrl?.dark];
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) {
			expect(typeof url).toBe('string');
			const response = await fetch(`${n8n.baseUrl}/${url}`);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
		}
	});
});
