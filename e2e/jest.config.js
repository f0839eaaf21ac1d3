// End-to-end suite against a real n8n (the pinned version, on Node 24 from scripts/ensure-runtime.sh).
// Run with: npx jest -c e2e/jest.config.js   (after `npm run build`)
// The main jest config (roots: test/) never sees these files.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
	},
	// One n8n for the whole run (started here, shared through a state file), test files one at a time.
	globalSetup: '<rootDir>/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/e2e/global-teardown.ts',
	maxWorkers: 1,
	// Fixed order: see e2e/sequencer.js (secrets last: it reads every execution of the run).
	testSequencer: '<rootDir>/e2e/sequencer.js',
	testTimeout: 120000,
	slowTestThreshold: 60,
};
