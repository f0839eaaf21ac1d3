import { createHash } from 'crypto';

import { deriveRequestId } from '../../nodes/EsmsVoice/actions/requestId';
import { mapWithConcurrency } from '../../nodes/EsmsVoice/actions/concurrency';

describe('deriveRequestId', () => {
	test('literal value: n8n-<first 32 hex of sha256(executionId NUL nodeId)>-<item>', () => {
		expect(deriveRequestId('exec-1001', 'node-1', 0)).toBe('n8n-b9ba58d9127c33ab780f91910f3159b4-0');
		expect(deriveRequestId('exec-1001', 'node-1', 7)).toBe('n8n-b9ba58d9127c33ab780f91910f3159b4-7');
	});

	test('stable for the same execution, node and item', () => {
		expect(deriveRequestId('exec-1001', 'node-1', 3)).toBe(deriveRequestId('exec-1001', 'node-1', 3));
	});

	test('differs per item, execution and node', () => {
		const ids = new Set([
			deriveRequestId('exec-1001', 'node-1', 0),
			deriveRequestId('exec-1001', 'node-1', 1),
			deriveRequestId('exec-1002', 'node-1', 0),
			deriveRequestId('exec-1001', 'node-2', 0),
			// the separator keeps ("ab", "c") apart from ("a", "bc")
			deriveRequestId('ab', 'c', 0),
			deriveRequestId('a', 'bc', 0),
		]);
		expect(ids.size).toBe(6);
	});

	test('a later run of the node in the same execution (loop, AI agent tool call) gets its own id; run 0 keeps the plain form', () => {
		const seed = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
		expect(deriveRequestId('exec-1001', 'node-1', 0, 0)).toBe(deriveRequestId('exec-1001', 'node-1', 0));
		expect(deriveRequestId('exec-1001', 'node-1', 2, 1)).toBe(`n8n-${seed('exec-1001\u0000node-1\u00001')}-2`);
		const runs = [0, 1, 2, 3].map((run) => deriveRequestId('exec-1001', 'node-1', 0, run));
		expect(new Set(runs).size).toBe(4);
	});

	test('at most 50 characters, even for long ids and large item indexes', () => {
		const id = deriveRequestId('x'.repeat(500), 'y'.repeat(500), 99_999_999);
		expect(id.length).toBeLessThanOrEqual(50);
		expect(id).toMatch(/^n8n-[0-9a-f]{32}-99999999$/);
		expect(id.length).toBe(45);
	});
});

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
	test('keeps input order even when later items finish first', async () => {
		const delays = [40, 5, 30, 1, 20, 10, 0, 15];
		const result = await mapWithConcurrency(delays, 3, async (ms, i) => {
			await tick(ms);
			return `item ${i} after ${ms}`;
		});
		expect(result).toEqual(delays.map((ms, i) => `item ${i} after ${ms}`));
	});

	test.each([1, 2, 5])('never more than %i in flight, and the limit is reached', async (limit) => {
		let inFlight = 0;
		let max = 0;
		await mapWithConcurrency(Array.from({ length: 12 }, (_, i) => i), limit, async () => {
			inFlight++;
			max = Math.max(max, inFlight);
			await tick(5);
			inFlight--;
		});
		expect(max).toBe(limit);
	});

	test('a limit above the input count starts everything at once; a limit below 1 acts as 1', async () => {
		let inFlight = 0;
		let max = 0;
		const work = async () => {
			inFlight++;
			max = Math.max(max, inFlight);
			await tick(5);
			inFlight--;
		};
		await mapWithConcurrency([1, 2, 3], 50, work);
		expect(max).toBe(3);
		max = 0;
		await mapWithConcurrency([1, 2, 3], 0, work);
		expect(max).toBe(1);
	});

	test('shouldStop stops new starts; started work finishes; unstarted slots stay undefined', async () => {
		let stop = false;
		const started: number[] = [];
		const result = await mapWithConcurrency(
			[0, 1, 2, 3, 4, 5, 6, 7],
			2,
			async (n) => {
				started.push(n);
				// 0 frees its slot first (5 ms), 2 then sets stop (1 ms) while 1 is still running (50 ms)
				await tick(n === 0 ? 5 : n === 1 ? 50 : 1);
				if (n === 2) stop = true;
				return n * 10;
			},
			() => stop,
		);
		expect(started).toEqual([0, 1, 2]);
		expect(result).toEqual([0, 10, 20, undefined, undefined, undefined, undefined, undefined]);
	});

	test('a NaN limit (a bad expression) still processes every input, one at a time', async () => {
		let inFlight = 0;
		let max = 0;
		const result = await mapWithConcurrency([1, 2, 3], Number.NaN, async (n) => {
			inFlight++;
			max = Math.max(max, inFlight);
			await tick(2);
			inFlight--;
			return n * 2;
		});
		expect(result).toEqual([2, 4, 6]);
		expect(max).toBe(1);
	});

	test('empty input', async () => {
		expect(await mapWithConcurrency([], 5, async () => 1)).toEqual([]);
	});
});
