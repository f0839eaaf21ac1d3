import { runEsms, useSimulator } from './setup';

const h = useSimulator();
const CHECK = { resource: 'phone', operation: 'check', phone: '={{ $json.Phone }}' };

describe('Phone Number → Check', () => {
	test('spreadsheet rows: numbers read as a call would, bad and repeated ones flagged, nothing sent', async () => {
		const rows = [
			{ Phone: 912345678, Name: 'An' },
			{ Phone: '0987.654.321', Name: 'Binh' },
			{ Phone: 12345678, Name: 'Chi' },
			{ Phone: '+84 912 345 678', Name: 'Dung' },
			{ Phone: '', Name: 'Em' },
			{ Phone: 2871002454, Name: 'Giang' },
		];
		const { items, error } = await runEsms(CHECK, { items: rows });
		expect(error).toBeUndefined();
		expect(h.sim.requests).toEqual([]);
		expect(items).toEqual([
			{ json: { ...rows[0], phoneCheck: { input: 912345678, phone: '0912345678', valid: true } }, pairedItem: { item: 0 } },
			{ json: { ...rows[1], phoneCheck: { input: '0987.654.321', phone: '0987654321', valid: true } }, pairedItem: { item: 1 } },
			{ json: { ...rows[2], phoneCheck: { input: 12345678, phone: null, valid: false, problem: 'not a Vietnamese phone number' } }, pairedItem: { item: 2 } },
			{
				json: { ...rows[3], phoneCheck: { input: '+84 912 345 678', phone: '0912345678', valid: false, problem: 'same number as item 1', sameAsItem: 1 } },
				pairedItem: { item: 3 },
			},
			{ json: { ...rows[4], phoneCheck: { input: '', phone: null, valid: false, problem: 'no phone number' } }, pairedItem: { item: 4 } },
			{ json: { ...rows[5], phoneCheck: { input: 2871002454, phone: '02871002454', valid: true } }, pairedItem: { item: 5 } },
		]);
	});

	test('a missing column is "no phone number", not an error', async () => {
		const { items, error } = await runEsms(CHECK, { items: [{ Name: 'An' }] });
		expect(error).toBeUndefined();
		expect(items?.[0].json.phoneCheck).toEqual({ input: null, phone: null, valid: false, problem: 'no phone number' });
	});
});
