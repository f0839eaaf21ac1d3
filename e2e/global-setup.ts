// Starts the one n8n the e2e run shares (installing the runtime first if the cache is empty).
import { startSharedInstance } from './lib/shared';
import type { N8nHandle } from './lib/n8n-process';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const { handle, stateFile } = await startSharedInstance();
	(globalThis as { __ESMS_E2E__?: { handle: N8nHandle; stateFile: string } }).__ESMS_E2E__ = { handle, stateFile };
	console.log(`\n[e2e] n8n ready at ${handle.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${handle.logFile})`);
}
