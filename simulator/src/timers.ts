// Cancellable sleeps: stop() and reset() must leave no timer behind, and the work waiting on a
// cancelled sleep must settle (with CancelledError) rather than dangle forever.

export class CancelledError extends Error {
	constructor() {
		super('cancelled by the simulator');
		this.name = 'CancelledError';
	}
}

export class TimerRegistry {
	private readonly pending = new Map<NodeJS.Timeout, (error: Error) => void>();

	sleep(ms: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve();
			}, ms);
			this.pending.set(timer, reject);
		});
	}

	cancelAll(): void {
		const rejects = [...this.pending.entries()];
		this.pending.clear();
		for (const [timer, reject] of rejects) {
			clearTimeout(timer);
			reject(new CancelledError());
		}
	}

	get size(): number {
		return this.pending.size;
	}
}
