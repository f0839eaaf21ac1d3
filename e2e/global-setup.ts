// Starts the one n8n the e2e run shares (installing the runtime first if the cache is empty): the
// n8n line of ESMS_E2E_N8N ("2" = 2.41.1 on Node 24, "1" = 1.123.81 on the machine's Node), the
// package packed, published to a local registry and installed as n8n installs it (ESMS_E2E_PACKAGE_SOURCE).
import { startSharedInstance } from './lib/shared';
import type { N8nHandle } from './lib/n8n-process';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const { handle, stateFile, source } = await startSharedInstance();
	(globalThis as { __ESMS_E2E__?: { handle: N8nHandle; stateFile: string } }).__ESMS_E2E__ = { handle, stateFile };
	console.log(`\n[e2e] n8n ${handle.n8nVersion} (package: ${source}) ready at ${handle.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${handle.logFile})`);
}
