/** Progress of a long bench section, printed while it runs (a section can take minutes). */
export function progressEvery(label: string, status: () => string, intervalMs = 10_000): () => void {
	const started = Date.now();
	const timer = setInterval(() => {
		console.log(`[bench] ${label}: ${status()} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
