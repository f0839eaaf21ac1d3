// Order of the e2e files (one n8n, one worker): everything else alphabetically, then these last:
// - wait: its Limit Wait Time test waits for n8n's wait tracker, which looks for due executions every
//   60 s from n8n's start; run late, the next look is nearer, so less of the run is spent idle;
// - secrets: reads every execution the other files produced.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LAST = ['wait', 'secrets'];

function rank(test) {
	return LAST.indexOf(path.basename(test.path).replace(/\.e2e\.test\.ts$/, ''));
}

class E2eSequencer extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
	}
}

module.exports = E2eSequencer;
