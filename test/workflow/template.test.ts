import type { INodeParameters } from 'n8n-workflow';

import { KEYS_QS, MAKE_TEMPLATE_CALL, rid, runEsms, useSimulator } from './setup';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const h = useSimulator();

const templateParams = (overrides: INodeParameters = {}): INodeParameters => ({
	resource: 'call',
	operation: 'makeCallFromTemplate',
	phone: '={{ $json.phone }}',
	templateId: '2001',
	...overrides,
});

const variables = (...values: string[]) => ({ variable: values.map((value) => ({ value })) });

describe('Make Call from Template (MakeCallTemplate_V2)', () => {
	test('variables (Vietnamese text, expression values), voice and speed', async () => {
		const { items, error } = await runEsms(
			templateParams({
				templateId: '2002',
				variables: variables('Nguyễn Văn An', '={{ $json.amount }}', 'A&B=C?'),
				additionalFields: { voice: 'hatieumai', speed: -3 },
			}),
			{ items: [{ phone: '84912345678', amount: 20000 }] },
		);
		expect(error).toBeUndefined();
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL).map((r) => r.rawQuery)).toEqual([
			`${KEYS_QS}&Phone=0912345678&TemplateId=2002` +
				'&VariableListStr=Nguy%E1%BB%85n%20V%C4%83n%20An%7C%7C20000%7C%7CA%26B%3DC%3F' +
				`&Voice=hatieumai&Speed=-3&RequestId=${rid(0)}`,
		]);
		expect(items).toEqual([
			{
				json: {
					referenceId: expect.stringMatching(UUID),
					alreadyPlaced: false,
					phone: '0912345678',
					requestId: rid(0),
					code: '100',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(h.sim.getCall(items![0].json.referenceId as string)?.params).toEqual({
			Phone: '0912345678',
			TemplateId: '2002',
			VariableListStr: 'Nguyễn Văn An||20000||A&B=C?',
			Voice: 'hatieumai',
			Speed: '-3',
			RequestId: rid(0),
		});
	});

	test.each([
		['no variables parameter', {}],
		['an empty list', { variables: { variable: [] } }],
	])('%s → no VariableListStr', async (_label, extra) => {
		await runEsms(templateParams(extra), { items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].rawQuery).toBe(
			`${KEYS_QS}&Phone=0912345678&TemplateId=2001&RequestId=${rid(0)}`,
		);
	});

	test('empty values keep their position', async () => {
		await runEsms(templateParams({ variables: variables('', 'x', '') }), { items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].query.VariableListStr).toBe('||x||');
	});

	test.each([
		['male', 3],
		['female', 0],
		['ngoclam', -1],
	])('voice %s, speed %i', async (voice, speed) => {
		await runEsms(templateParams({ additionalFields: { voice, speed } }), { items: [{ phone: '0912345678' }] });
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].rawQuery).toBe(
			`${KEYS_QS}&Phone=0912345678&TemplateId=2001&Voice=${voice}&Speed=${speed}&RequestId=${rid(0)}`,
		);
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].code).toBe('100');
	});

	test.each([
		[4, '4 is not allowed'],
		[-4, '-4 is not allowed'],
		[1.5, '1.5 is not allowed'],
	])('speed %s is refused before sending', async (speed, problem) => {
		const { error } = await runEsms(templateParams({ additionalFields: { speed } }), { items: [{ phone: '0912345678' }] });
		expect([error?.message, error?.description]).toEqual([
			`Item 1, field "Speed": ${problem}`,
			'Expected a whole number from -3 to 3.',
		]);
		expect(h.sim.requests).toHaveLength(0);
	});

	test('a voice given by expression must be one of the four', async () => {
		const { error } = await runEsms(templateParams({ additionalFields: { voice: '={{ $json.voice }}' } }), {
			items: [{ phone: '0912345678', voice: 'robot' }],
		});
		expect([error?.message, error?.description]).toEqual([
			'Item 1, field "Voice": "robot" is not a voice',
			'Expected one of male, female, hatieumai, ngoclam.',
		]);
		expect(h.sim.requests).toHaveLength(0);
	});

	test('schedule, callback URL and request ID as on Make Call', async () => {
		const { items } = await runEsms(
			templateParams({
				additionalFields: {
					scheduleAt: '2030-12-31T23:30:00',
					callbackUrl: 'http://127.0.0.1:5678/webhook/esms',
					requestId: 'tts-1',
				},
			}),
			{ items: [{ phone: '0912345678' }], options: { timezone: 'UTC' } },
		);
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].rawQuery).toBe(
			`${KEYS_QS}&Phone=0912345678&TemplateId=2001&SendDate=2031%2F01%2F01%2006%3A30%3A00` +
				'&CallbackUrl=http%3A%2F%2F127.0.0.1%3A5678%2Fwebhook%2Fesms&RequestId=tts-1',
		);
		expect(items?.[0].json).toEqual({
			referenceId: expect.stringMatching(UUID),
			alreadyPlaced: false,
			phone: '0912345678',
			scheduledFor: '2031/01/01 06:30:00',
			requestId: 'tts-1',
			code: '100',
		});
	});

	test('unknown template → eSMS 104', async () => {
		const { error } = await runEsms(templateParams({ templateId: '9999' }), { items: [{ phone: '0912345678' }] });
		expect([error?.message, error?.description]).toEqual([
			'eSMS error 104: The brandname or call template does not exist',
			'Check the Template ID on account.esms.vn; it must be an approved call script of this account.',
		]);
		expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL).map((r) => r.code)).toEqual(['104']);
	});

	describe('Variable List (all the variables as one list)', () => {
		test.each([
			['an array from an expression', '={{ [$json.name, $json.amount, ""] }}'],
			['a JSON array as text', '={{ JSON.stringify([$json.name, $json.amount, ""]) }}'],
		])('%s → the same VariableListStr as Variables', async (_label, variableList) => {
			const { error } = await runEsms(templateParams({ additionalFields: { variableList } }), {
				items: [{ phone: '0912345678', name: 'Trần Thị Bình', amount: 150000 }],
			});
			expect(error).toBeUndefined();
			expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL).map((r) => r.rawQuery)).toEqual([
				`${KEYS_QS}&Phone=0912345678&TemplateId=2001` +
					`&VariableListStr=Tr%E1%BA%A7n%20Th%E1%BB%8B%20B%C3%ACnh%7C%7C150000%7C%7C&RequestId=${rid(0)}`,
			]);
		});

		test('an empty list sends no VariableListStr', async () => {
			await runEsms(templateParams({ additionalFields: { variableList: '[]' } }), { items: [{ phone: '0912345678' }] });
			expect(h.sim.requestsTo(MAKE_TEMPLATE_CALL)[0].rawQuery).toBe(
				`${KEYS_QS}&Phone=0912345678&TemplateId=2001&RequestId=${rid(0)}`,
			);
		});

		test.each([
			['text that is not JSON', 'An, 20000', 'Item 1, field "Variable List": is not a list'],
			['a JSON object', '{"name":"An"}', 'Item 1, field "Variable List": is not a list'],
			['a number', '={{ 5 }}', 'Item 1, field "Variable List": is not a list'],
			['a nested object', '={{ ["An", { "a": 1 }] }}', 'Item 1, field "Variable List": value 2 is not text or a number'],
		])('%s is refused before sending', async (_label, variableList, message) => {
			const { error } = await runEsms(templateParams({ additionalFields: { variableList } }), { items: [{ phone: '0912345678' }] });
			expect([error?.message, error?.description]).toEqual([
				message,
				'Expected an array of values, e.g. {{ [$json.name, $json.amount] }}, or a JSON array as text.',
			]);
			expect(h.sim.requests).toHaveLength(0);
		});

		test('a value holding the separator is refused, naming the list', async () => {
			const { error } = await runEsms(templateParams({ additionalFields: { variableList: '["a", "b||c"]' } }), {
				items: [{ phone: '0912345678' }],
			});
			expect(error?.message).toBe('Item 1, field "Variable List (value 2)": contains "||"');
			expect(h.sim.requests).toHaveLength(0);
		});

		test('both Variables and Variable List are refused before sending', async () => {
			const { error } = await runEsms(
				templateParams({ variables: variables('An'), additionalFields: { variableList: '["An"]' } }),
				{ items: [{ phone: '0912345678' }] },
			);
			expect([error?.message, error?.description]).toEqual([
				'Item 1, field "Variable List": is set as well as Variables',
				'Expected one of the two, not both.',
			]);
			expect(h.sim.requests).toHaveLength(0);
		});
	});
});
