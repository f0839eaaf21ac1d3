import { deliveryKey, parseEsmsCallback } from '../../nodes/shared/callback';
import { ACCOUNT_PACER_IDLE_MS, RequestPacer } from '../../nodes/EsmsVoice/transport/pacer';
import { OTP_ID_PATTERN } from '../../nodes/shared/wire';
import { statusKind } from '../../nodes/EsmsVoice/actions/call/getStatus.operation';

describe('RequestPacer', () => {
	/** `count` accepted answers, `gapMs` apart, starting at `from`; returns the time after the last. */
	function acceptMany(pacer: RequestPacer, clock: { now: number }, count: number, from: number, gapMs: number): void {
		for (let i = 0; i < count; i++) {
			clock.now = from + i * gapMs;
			pacer.accepted();
		}
	}

	test('0 = unpaced until a 160; then the pace is what eSMS accepted in the last second, probing slowly above it later', async () => {
		let now = 10_000;
		const pacer = new RequestPacer(0, () => now);
		expect(pacer.currentPace).toBe(Infinity);
		for (let i = 0; i < 20; i++) {
			await pacer.wait();
			pacer.accepted();
			now += 10;
		}
		pacer.limited();
		expect(pacer.currentPace).toBe(20);
		// At the most eSMS has accepted in one second, which it just refused to exceed: no probing
		// for 10 s, then +0.2/s per second (about +1/s every 5 s).
		now += 1000;
		pacer.accepted();
		expect(pacer.currentPace).toBe(20);
		now += 9000;
		pacer.accepted();
		expect(pacer.currentPace).toBe(20 + 0.2 / 20);
		// 1.2 s later nothing accepted is inside the window any more.
		now += 1200;
		pacer.limited();
		expect(pacer.currentPace).toBe(1);
	});

	describe('one pacer per account and ceiling across runs (a campaign placed in batches)', () => {
		test('the next run for the same account continues at the pace eSMS accepted, counting what is still in its window', () => {
			const clock = { now: 50_000 };
			const first = RequestPacer.forAccount('account-a', 0, () => clock.now);
			acceptMany(first, clock, 20, clock.now, 10);
			first.limited();
			expect(first.currentPace).toBe(20);
			clock.now += 300;
			const next = RequestPacer.forAccount('account-a', 0, () => clock.now);
			expect(next).toBe(first);
			expect(next.currentPace).toBe(20);
			// A 160 now still sees the earlier run's accepted requests in the window: no cut to 1.
			next.limited();
			expect(next.currentPace).toBe(20);
		});

		test('another account, or another ceiling, has its own pacer', () => {
			const clock = { now: 50_000 };
			const a = RequestPacer.forAccount('account-b', 0, () => clock.now);
			expect(RequestPacer.forAccount('account-c', 0, () => clock.now)).not.toBe(a);
			expect(RequestPacer.forAccount('account-b', 5, () => clock.now)).not.toBe(a);
			expect(RequestPacer.forAccount('account-b', 0, () => clock.now)).toBe(a);
		});

		test(`forgotten after ${ACCOUNT_PACER_IDLE_MS / 60_000} minutes unused`, () => {
			const clock = { now: 50_000 };
			const a = RequestPacer.forAccount('account-d', 0, () => clock.now);
			clock.now += ACCOUNT_PACER_IDLE_MS + 1;
			expect(RequestPacer.forAccount('account-d', 0, () => clock.now)).not.toBe(a);
		});
	});

	test('a ceiling is never exceeded, and never lowered below 1 request/s', () => {
		let now = 0;
		const pacer = new RequestPacer(5, () => now);
		expect(pacer.currentPace).toBe(5);
		for (let i = 0; i < 50; i++) pacer.accepted();
		expect(pacer.currentPace).toBe(5);
		now = 5000;
		pacer.limited();
		expect(pacer.currentPace).toBe(1);
	});

	test('after a 160 at the most eSMS accepted in one second, the pace is back there within two accepted requests', () => {
		const clock = { now: 0 };
		const pacer = new RequestPacer(0, () => clock.now);
		// 100 accepted in one second (0 … 990 ms): eSMS allows 100/s.
		acceptMany(pacer, clock, 100, 0, 10);
		// At 1,000 ms the one at 0 ms has left the window: 99 inside.
		clock.now = 1000;
		pacer.limited();
		expect(pacer.currentPace).toBe(99);
		clock.now = 1010;
		pacer.accepted();
		expect(pacer.currentPace).toBe(99 + 50 / 99);
		clock.now = 1020;
		pacer.accepted();
		// Not above it on the way back (99.5 + 50 / 99.5 would be): 100, and no probing until 11,000 ms.
		expect(pacer.currentPace).toBe(100);
		clock.now = 10_990;
		pacer.accepted();
		expect(pacer.currentPace).toBe(100);
		clock.now = 11_000;
		pacer.accepted();
		expect(pacer.currentPace).toBe(100 + 0.2 / 100);
	});

	test('at 5/s a 160 with one fewer accepted in the window keeps the best rate: back to 5 at once', () => {
		const clock = { now: 0 };
		const pacer = new RequestPacer(0, () => clock.now);
		acceptMany(pacer, clock, 5, 0, 200);
		clock.now = 1100;
		pacer.limited();
		expect(pacer.currentPace).toBe(4);
		clock.now = 1200;
		pacer.accepted();
		expect(pacer.currentPace).toBe(4 + 2.5 / 4);
		clock.now = 1400;
		pacer.accepted();
		expect(pacer.currentPace).toBe(5);
	});

	test('a slow answer is not taken for room: what counts is how many requests started and were accepted within a second', () => {
		const clock = { now: 30 };
		const pacer = new RequestPacer(0, () => clock.now);
		// Started 200 ms apart; the first answered after 30 ms, the others after 1 ms.
		pacer.accepted(0);
		for (const startedAt of [200, 400, 600, 800, 1000]) {
			clock.now = startedAt + 1;
			pacer.accepted(startedAt);
		}
		// Six answers in the last second, but eSMS accepted only five of them within it for sure.
		clock.now = 1002;
		pacer.limited();
		expect(pacer.currentPace).toBe(5);
	});

	test('the 160s answered within one second cut the pace once; a 160 with far fewer accepted forgets the best rate', () => {
		const clock = { now: 0 };
		const pacer = new RequestPacer(20, () => clock.now);
		acceptMany(pacer, clock, 20, 0, 50);
		clock.now = 1000;
		pacer.limited();
		expect(pacer.currentPace).toBe(19);
		// Half a second later: only 9 of ours are in the window, but this 160 answers the same overshoot.
		clock.now = 1500;
		pacer.limited();
		expect(pacer.currentPace).toBe(19);
		// A second after the cut, refused with nothing of ours accepted: eSMS accepts less now (shared
		// account): from 1/s it climbs slowly, no quick return to 20.
		clock.now = 2000;
		pacer.limited();
		expect(pacer.currentPace).toBe(1);
		clock.now = 2100;
		pacer.accepted();
		expect(pacer.currentPace).toBe(1.2);
	});

	describe('start slots', () => {
		beforeEach(() => jest.useFakeTimers());
		afterEach(() => jest.useRealTimers());

		test('slots handed out before a cut are handed out again at the new pace', async () => {
			jest.setSystemTime(0);
			const pacer = new RequestPacer(10, () => Date.now());
			const started: Array<[string, number]> = [];
			const start = (name: string) => pacer.wait().then((at) => started.push([name, at]));
			const all = Promise.all([start('a'), start('b'), start('c')]);
			// At 10/s: a now, b at 102 ms, c at 204 ms (1,020 ms / 10).
			await jest.advanceTimersByTimeAsync(50);
			expect(started).toEqual([['a', 0]]);
			pacer.accepted(0);
			await jest.advanceTimersByTimeAsync(10);
			// A 160 at 60 ms with 1 accepted in the window: 1/s, and nothing before 60 + 1,020 ms.
			pacer.limited();
			expect(pacer.currentPace).toBe(1);
			await jest.advanceTimersByTimeAsync(1019);
			expect(started).toEqual([['a', 0]]);
			await jest.advanceTimersByTimeAsync(1);
			expect(started).toEqual([['a', 0], ['b', 1080]]);
			await jest.advanceTimersByTimeAsync(1019);
			expect(started).toEqual([['a', 0], ['b', 1080]]);
			await jest.advanceTimersByTimeAsync(1);
			expect(started).toEqual([['a', 0], ['b', 1080], ['c', 2100]]);
			await all;
		});

		/** Starts `count` waits at once; resolves with their start times once the timers got there. */
		async function starts(pacer: RequestPacer, count: number, advanceMs: number): Promise<number[]> {
			const times: number[] = [];
			const waits = Array.from({ length: count }, () => pacer.wait().then((at) => times.push(at)));
			await jest.advanceTimersByTimeAsync(advanceMs);
			await Promise.all(waits);
			return times;
		}

		test('time lost between two runs (a batch being written) is made up at 4 x the pace, never more than the pace in one window', async () => {
			jest.setSystemTime(0);
			const pacer = new RequestPacer(20, () => Date.now());
			// Run 1: 10 starts, 51 ms apart (1,020 ms / 20), at 0 … 459 ms.
			expect(await starts(pacer, 10, 500)).toEqual([0, 51, 102, 153, 204, 255, 306, 357, 408, 459]);
			// Run 2 asks at 630 ms, 120 ms after its slot: the slots of 510, 561 and 612 ms go 12.75 ms
			// apart, and the spacing run 1 left goes on (714 ms) as if nobody had paused.
			jest.setSystemTime(630);
			const made = await starts(pacer, 5, 200);
			expect(made.map(Math.floor)).toEqual([630, 642, 655, 668, 714]);
			const all = [0, 51, 102, 153, 204, 255, 306, 357, 408, 459, ...made];
			for (const at of all) expect(all.filter((t) => t >= at && t < at + 1020).length).toBeLessThanOrEqual(20);
		});

		test('making up time never puts more starts in a window than the pace allows', async () => {
			jest.setSystemTime(0);
			const pacer = new RequestPacer(5, () => Date.now());
			expect(await starts(pacer, 5, 900)).toEqual([0, 204, 408, 612, 816]);
			// 680 ms behind at 1,700: four slots made up 51 ms apart, a fifth once 816 has left the
			// window; the sixth only when the window since the first made-up start (1,700) is over.
			jest.setSystemTime(1700);
			expect(await starts(pacer, 6, 1200)).toEqual([1700, 1751, 1802, 1853, 1904, 2720]);
		});

		test('after a pause longer than the window the spacing starts afresh: no burst', async () => {
			jest.setSystemTime(0);
			const pacer = new RequestPacer(20, () => Date.now());
			expect(await starts(pacer, 1, 10)).toEqual([0]);
			jest.setSystemTime(5000);
			expect(await starts(pacer, 3, 200)).toEqual([5000, 5051, 5102]);
		});

		test('after a 160 nothing starts before the oldest request eSMS accepted in the window is a second old', async () => {
			const clock = { now: 0 };
			const pacer = new RequestPacer(0, () => clock.now);
			// The unpaced first burst: 5 accepted at 0 … 4 ms, then a 160.
			acceptMany(pacer, clock, 5, 0, 1);
			clock.now = 5;
			pacer.limited();
			expect(pacer.currentPace).toBe(5);
			const started: number[] = [];
			const first = pacer.wait().then(() => started.push(1));
			const second = pacer.wait().then(() => started.push(2));
			// Not at 205 ms (one slot at 5/s after the 160): eSMS refuses everything until 1,000 ms.
			await jest.advanceTimersByTimeAsync(994);
			expect(started).toEqual([]);
			await jest.advanceTimersByTimeAsync(1);
			expect(started).toEqual([1]);
			// Then one start every 204 ms (a second and 20 ms, over 5): the sixth is not at the window's edge.
			await jest.advanceTimersByTimeAsync(203);
			expect(started).toEqual([1]);
			await jest.advanceTimersByTimeAsync(1);
			expect(started).toEqual([1, 2]);
			await Promise.all([first, second]);
		});
	});
});

describe('IDs', () => {
	test('delivery keys ignore letter case; a voice OTP has its own namespace', () => {
		const call = parseEsmsCallback('/h?ReferenceId=ABC-1&SendStatus=5').result!;
		expect(deliveryKey(call)).toBe('abc-1|5');
		const otp = parseEsmsCallback('/h?smsid=D8E0F1F0702544B2ACB456CA9CCFD111250&sendstatus=5&SendSuccess=1').otp!;
		expect(deliveryKey(otp)).toBe('otp|d8e0f1f0702544b2acb456ca9ccfd111250|5');
		expect(otp).toMatchObject({ kind: 'voiceOtp', delivered: true, sendStatus: 5, final: true });
	});

	test('Get Status auto-detection: 32+ hex digits without dashes = voice OTP; an explicit choice wins', () => {
		expect(statusKind('auto', 'd8e0f1f0702544b2acb456ca9ccfd111250')).toBe('voiceOtp');
		expect(statusKind('auto', 'D8E0F1F0702544B2ACB456CA9CCFD111')).toBe('voiceOtp');
		expect(statusKind('auto', '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10')).toBe('call');
		// The docs' four-group SMSID sample is still a call ID.
		expect(statusKind('auto', '8eb2af6d-4e1c-4c5b-9a1e')).toBe('call');
		expect(statusKind('auto', 'abc123')).toBe('call');
		expect(statusKind('call', 'd8e0f1f0702544b2acb456ca9ccfd111250')).toBe('call');
		expect(statusKind('voiceOtp', '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10')).toBe('voiceOtp');
		expect(OTP_ID_PATTERN.test('d8e0f1f0702544b2acb456ca9ccfd11')).toBe(false);
	});
});
