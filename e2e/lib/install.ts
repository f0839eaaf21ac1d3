// Puts the package into an n8n user folder the way users get it: packed, published to a local npm
// registry, and installed into `<user folder>/.n8n/nodes` with the steps of n8n's community-package
// installer (n8n 2.41.1 modules/community-packages/community-packages.service.js, downloadPackage).
// Why not n8n's own install endpoint: it refuses any registry but registry.npmjs.org unless the
// instance holds the enterprise licence for custom registries (see docs/development.md).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { cleanNpmEnv, npm, packPackage, startLocalRegistry } from './registry';

const run = promisify(execFile);

export interface InstalledPackage {
	name: string;
	version: string;
	/** `<user folder>/.n8n/nodes/node_modules/<name>`: a real folder, no link to the source tree. */
	directory: string;
	/** The tarball that was published (kept for inspection, e.g. the scanner lint). */
	tarball: string;
}

/**
 * n8n's installer steps against `registry`: `npm pack name@version` into a download folder, unpack it
 * into nodes/node_modules/<name>, drop devDependencies/peerDependencies/optionalDependencies from its
 * package.json (so `n8n-workflow` comes from n8n itself), `npm install --ignore-scripts
 * --install-strategy=shallow --package-lock=false` there, and record it in nodes/package.json.
 */
export async function installAsN8nDoes(
	userFolder: string,
	spec: { name: string; version: string; registry: string; userconfig?: string },
): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esms-download-'));
	const packageDirectory = path.join(nodesDir, 'node_modules', spec.name);
	// The registry's npmrc only: no user npmrc (it may name other registries) and no project .npmrc.
	const env = cleanNpmEnv({ npm_config_userconfig: spec.userconfig ?? path.join(downloadDir, 'none.npmrc') });
	const registryArgs = [`--registry=${spec.registry.replace(/\/+$/, '')}`];
	try {
		fs.rmSync(packageDirectory, { recursive: true, force: true });
		fs.mkdirSync(packageDirectory, { recursive: true });
		const tarballName = (await npm(['pack', `${spec.name}@${spec.version}`, '--quiet', ...registryArgs], { cwd: downloadDir, env })).trim();
		await run('tar', ['-xzf', tarballName, '-C', packageDirectory, '--strip-components=1'], { cwd: downloadDir });
		const manifestFile = path.join(packageDirectory, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
			fs.readFileSync(manifestFile, 'utf8'),
		) as Record<string, unknown>;
		void devDependencies, void peerDependencies, void optionalDependencies;
		fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2), 'utf8');
		await npm(
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', ...registryArgs],
			{ cwd: packageDirectory, env },
		);
		const nodesManifest = path.join(nodesDir, 'package.json');
		const recorded = fs.existsSync(nodesManifest)
			? (JSON.parse(fs.readFileSync(nodesManifest, 'utf8')) as { dependencies?: Record<string, string> })
			: { name: 'installed-nodes', private: true, dependencies: {} };
		recorded.dependencies = { ...(recorded.dependencies ?? {}), [spec.name]: String(manifest.version) };
		fs.writeFileSync(nodesManifest, JSON.stringify(recorded, null, 2), 'utf8');
		return packageDirectory;
	} finally {
		fs.rmSync(downloadDir, { recursive: true, force: true });
	}
}

/**
 * The whole path a user's package takes: `npm pack` of `packageDir` (built), `npm publish` to a fresh
 * local registry, install into `userFolder` as n8n's installer does; the registry is stopped after.
 */
export async function installFromLocalRegistry(packageDir: string, userFolder: string, workDir: string): Promise<InstalledPackage> {
	fs.rmSync(workDir, { recursive: true, force: true });
	fs.mkdirSync(workDir, { recursive: true });
	const tarball = await packPackage(packageDir, path.join(workDir, 'pack'));
	const { name, version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string };
	const registry = await startLocalRegistry(path.join(workDir, 'registry'));
	try {
		await registry.publish(tarball);
		const directory = await installAsN8nDoes(userFolder, { name, version, registry: registry.url, userconfig: registry.userconfig });
		return { name, version, directory, tarball };
	} finally {
		await registry.stop();
	}
}
