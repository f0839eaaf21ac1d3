/**
 * Runs `work` over `inputs` with at most `limit` in flight, keeping results in input order.
 * `shouldStop` is checked before each new start, so a fatal error stops further (paid) requests.
 */
export async function mapWithConcurrency<T, R>(
	inputs: readonly T[],
	limit: number,
	work: (input: T, index: number) => Promise<R>,
	shouldStop: () => boolean = () => false,
): Promise<Array<R | undefined>> {
	const results: Array<R | undefined> = new Array(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length && !shouldStop()) {
			const index = next++;
			results[index] = await work(inputs[index], index);
		}
	};
	// A NaN limit (e.g. from an expression) would start no worker at all and drop every item.
	const size = Number.isNaN(limit) ? 1 : Math.max(1, Math.min(limit, inputs.length));
	const workers = Array.from({ length: size }, worker);
	await Promise.all(workers);
	return results;
}
