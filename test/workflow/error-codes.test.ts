import { KEYS_QS, MAKE_CALL, acceptedCalls, makeCallParams, rid, runEsms, useSimulator } from './setup';

const h = useSimulator();

/**
 * [code, message, description]: the meaning and action for every code of the eSMS error table (124
 * and 160 have tests of their own: not errors, or sent again), and an unknown one.
 */
const CODES: Array<[string, string, string]> = [
	['99', 'eSMS error 99: The phone number is blocked', 'The number refused calls from your account or is on a block list; remove it from your list.'],
	['101', 'eSMS error 101: Wrong ApiKey or SecretKey', 'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.'],
	['102', 'eSMS error 102: No price list for the account', 'Ask eSMS support to set up voice-call pricing for your account.'],
	['103', 'eSMS error 103: Balance too low', 'Top up your eSMS account, then run the workflow again.'],
	['104', 'eSMS error 104: The brandname or call template does not exist', 'Check the Template ID on account.esms.vn; it must be an approved call script of this account.'],
	['105', 'eSMS error 105: Call or message ID not found', 'Check the ID (the referenceId returned when the call or voice OTP was sent) and its kind in Get Status. One sent seconds ago may not be queryable yet: wait and try again.'],
	['106', 'eSMS error 106: The recording does not exist', 'Check the Recording ID on account.esms.vn; it must be an uploaded, approved recording of this account.'],
	['108', 'eSMS error 108: The phone number is in a wrong format', 'Use a Vietnamese number such as 0912345678 or +84 912 345 678.'],
	['110', 'eSMS error 110: The request data is invalid', "eSMS rejected a field value (for example the key, speed or schedule). Check the node's fields against this README's tables; if they look right, ask eSMS support which value it refuses."],
	['118', 'eSMS error 118: Unsupported message type', 'Voice OTP must be enabled for your account; ask eSMS support.'],
	['140', 'eSMS error 140: The caller IP address is not whitelisted', "Add your n8n server's public IP address to the whitelist on account.esms.vn, or turn the whitelist off."],
	['143', 'eSMS error 143: The account is not activated, or it is locked', 'Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.'],
	['146', 'eSMS error 146: Wrong customer-care template', 'Check the template on account.esms.vn; it must be approved for this kind of call.'],
	['163', 'eSMS error 163: More than one phone number in one request', 'Voice OTP takes exactly one phone number per item; split the list into one item per number.'],
	['177', 'eSMS error 177: The network operator is not registered', "Your account cannot call this operator's numbers; ask eSMS support to register it."],
	['199', 'eSMS error 199: The same request already exists and is being processed', 'eSMS is still handling an identical request; wait a moment, then check with Get Status before sending again.'],
	['201', 'eSMS error 201: The content holds a blocked keyword', 'Reword the content (avoid words eSMS blocks) or ask eSMS support which word is refused.'],
	['210', 'eSMS error 210: The payload is invalid', "eSMS could not read the request. Check the node's fields; if the error stays, ask eSMS support."],
	['300', 'eSMS error 300: The message type is missing', 'The request reached eSMS without its type; update this node package or report it as a bug.'],
	['301', 'eSMS error 301: The service type is not supported', 'Your account is not set up for this service (voice calls or voice OTP); ask eSMS support.'],
	// unknown code: eSMS's ErrorMessage (the simulator answers "Error 777") is shown, and the code named
	['777', 'eSMS error 777: eSMS refused the request: Error 777', "Code 777 is not in eSMS's published error table. See the error code list on developers.esms.vn or ask eSMS support what it means."],
];

/** A phone per code, e.g. 099 → 0911100099, scripted to answer that code. */
const phoneFor = (code: string) => `09111${code.padStart(5, '0')}`;
const GOOD_PHONE = '0912345678';

beforeAll(() => {
	for (const [code] of [...CODES, ['124']]) h.sim.setOutcome(phoneFor(code), { callStatus: 'ANSWERED', code });
});

describe.each(CODES)('eSMS code %s', (code, message, description) => {
	test('fails the node with the meaning and the action', async () => {
		const { error, nodeError, items } = await runEsms(makeCallParams(), { items: [{ phone: phoneFor(code) }] });
		expect(items).toBeUndefined();
		expect([error?.name, error?.message, error?.description]).toEqual(['NodeApiError', message, description]);
		expect([nodeError?.message, nodeError?.description, nodeError?.context.itemIndex]).toEqual([message, description, 0]);
		expect(h.sim.requestsTo(MAKE_CALL).map((r) => [r.rawQuery, r.code])).toEqual([
			[`${KEYS_QS}&Phone=${phoneFor(code)}&TemplateId=1001&RequestId=${rid(0)}`, code],
		]);
	});

	test('Continue On Fail: an error item for that item, the others succeed, all paired', async () => {
		const { items, error } = await runEsms(makeCallParams(), {
			items: [{ phone: GOOD_PHONE }, { phone: phoneFor(code) }, { phone: '0987654321' }],
			nodeExtra: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(items?.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items?.[1].json).toEqual({ error: message, description });
		expect(items?.map((i) => i.json.phone)).toEqual([GOOD_PHONE, undefined, '0987654321']);
		expect(items?.map((i) => i.json.code)).toEqual(['100', undefined, '100']);
		expect(acceptedCalls(h.sim, MAKE_CALL)).toBe(2);
	});
});

describe('eSMS code 124 (duplicate request ID)', () => {
	test('with a request ID: not an error, the item says the call was already placed', async () => {
		const { items, error } = await runEsms(makeCallParams(), { items: [{ phone: phoneFor('124') }] });
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: {
					referenceId: null,
					alreadyPlaced: true,
					phone: phoneFor('124'),
					requestId: rid(0),
					code: '124',
					message: 'eSMS already accepted a call with this request ID in the last 24 hours; it was not placed again.',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('without a request ID it cannot be a repeat of ours: an error', async () => {
		const { error } = await runEsms(makeCallParams({ options: { autoRequestId: false } }), { items: [{ phone: phoneFor('124') }] });
		expect([error?.message, error?.description]).toEqual([
			'eSMS error 124: Duplicate request ID',
			'A request with this request ID was already accepted in the last 24 hours.',
		]);
	});
});

describe('codes produced by the simulator itself', () => {
	test('106: unknown recording', async () => {
		const { error } = await runEsms(makeCallParams({ recordingId: '4242' }), { items: [{ phone: GOOD_PHONE }] });
		expect([error?.message, error?.description]).toEqual([CODES[6][1], CODES[6][2]]);
		expect(h.sim.requestsTo(MAKE_CALL)[0].code).toBe('106');
	});

	test('103: balance too low', async () => {
		h.sim.balance = 100;
		const { error } = await runEsms(makeCallParams(), { items: [{ phone: GOOD_PHONE }] });
		expect([error?.message, error?.description]).toEqual([CODES[3][1], CODES[3][2]]);
		expect(h.sim.requestsTo(MAKE_CALL)[0].code).toBe('103');
	});

	test('101: wrong keys on a call', async () => {
		const { error } = await runEsms(makeCallParams(), { items: [{ phone: GOOD_PHONE }], credentials: { apiKey: 'OTHER-API-KEY-9' } });
		expect([error?.message, error?.description]).toEqual([CODES[1][1], CODES[1][2]]);
	});
});
