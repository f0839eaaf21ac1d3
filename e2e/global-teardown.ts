// Stops the shared n8n, then checks its whole log for the simulator's keys (they must never appear).
import * as fs from 'node:fs';

import { DEFAULT_API_KEY, DEFAULT_SECRET_KEY } from '../simulator/src';
import type { N8nHandle } from './lib/n8n-process';

export default async function globalTeardown(): Promise<void> {
	const shared = (globalThis as { __ESMS_E2E__?: { handle: N8nHandle; stateFile: string } }).__ESMS_E2E__;
	if (!shared) return;
	await shared.handle.stop();
	fs.rmSync(shared.stateFile, { force: true });
	const log = fs.readFileSync(shared.handle.logFile, 'utf8');
	const leaked = [DEFAULT_API_KEY, DEFAULT_SECRET_KEY].filter((secret) => log.includes(secret));
	if (leaked.length > 0) {
		throw new Error(`n8n's log (${shared.handle.logFile}) contains ${leaked.length} eSMS key(s) of the simulator`);
	}
}
