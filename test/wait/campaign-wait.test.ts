/**
 * "… and Wait for Result" with Calling Hours and the Do-Not-Call list: a skipped call is not
 * placed and nothing waits; a scheduled call waits, its time limit counted from when it rings.
 */
import { WAIT_INDEFINITELY } from 'n8n-workflow';

import { NODE_NAME, runWait, useSimulator, waitWorkflow, type WaitWorkflow } from './setup';

const handle = useSimulator();
/** Sunday 29 November 2026, 23:00 in Vietnam. */
const SUNDAY_23H = Date.parse('2026-11-29T16:00:00Z');
const MONDAY_08H = Date.parse('2026-11-30T01:00:00Z');
const MINUTE = 60_000;

beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => SUNDAY_23H));
afterEach(() => jest.restoreAllMocks());

const v11 = (wf: WaitWorkflow): WaitWorkflow => {
	wf.nodes[1].typeVersion = 1.1;
	return wf;
};

test('outside hours the call is scheduled and the wait limit counts from 08:00 Monday', async () => {
	const { sim } = handle;
	const result = await runWait(v11(waitWorkflow(sim, { limitWaitTime: true, resumeAmount: 30, resumeUnit: 'minutes' }, { executionId: 'exec-hours-1' })));
	expect(result.run.status).toBe('waiting');
	expect(result.waitTill).toEqual(new Date(MONDAY_08H + 30 * MINUTE));
	expect(sim.requestsTo('MakeCallRecord_V2')[0].query.SendDate).toBe('2026/11/30 08:00:00');
	const [[placed]] = result.outputOf(NODE_NAME);
	expect(placed.json).toMatchObject({
		scheduledFor: '2026/11/30 08:00:00',
		scheduledBecause: 'outside calling hours (08:00 to 17:00 Vietnam time, every day)',
		waiting: true,
	});
});

test('without a limit a scheduled call waits indefinitely; a limit at a time before it rings is an error, no call', async () => {
	const { sim } = handle;
	const waiting = await runWait(v11(waitWorkflow(sim, {}, { executionId: 'exec-hours-2' })));
	expect(waiting.waitTill).toEqual(WAIT_INDEFINITELY);
	sim.reset();
	const early = await runWait(
		v11(waitWorkflow(sim, { limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: '2026-11-30T07:30:00+07:00' }, { executionId: 'exec-hours-3' })),
	);
	expect(early.errorOf(NODE_NAME)?.message).toBe(
		'Item 1, field "Max Date and Time": is not after the call\'s scheduled time (2026/11/30 08:00:00 Vietnam time)',
	);
	expect(sim.requests).toHaveLength(0);
});

test('"Skip Outside Hours" and the Do-Not-Call list: nothing placed, nothing waits, the item says why', async () => {
	const { sim } = handle;
	const skipped = await runWait(v11(waitWorkflow(sim, { callingHours: 'skip' }, { executionId: 'exec-hours-4' })));
	expect(skipped.run.status).toBe('success');
	expect(skipped.waitTill).toBeUndefined();
	expect(skipped.outputOf(NODE_NAME)).toEqual([
		[
			{
				json: {
					skipped: true,
					reason: 'outside calling hours (08:00 to 17:00 Vietnam time, every day)',
					phone: '0912345678',
					callableFrom: '2026/11/30 08:00:00',
				},
				pairedItem: { item: 0 },
			},
		],
	]);
	const listed = await runWait(v11(waitWorkflow(sim, { additionalFields: { doNotCall: '+84 912 345 678' } }, { executionId: 'exec-hours-5' })));
	expect(listed.waitTill).toBeUndefined();
	expect(listed.outputOf(NODE_NAME)[0].map((item) => item.json)).toEqual([{ skipped: true, reason: 'on the do-not-call list', phone: '0912345678' }]);
	expect(sim.requests).toHaveLength(0);
});
