/**
 * The eSMS API credential's test (GetBalance_json with n8n's `responseSuccessBody` rules): its
 * refusals carry eSMS's meaning from nodes/EsmsVoice/transport/errors.ts (the credential file keeps its own copy,
 * as n8n loads it alone), and which answers fail it. n8n itself running these rules is proven in
 * e2e/smoke.e2e.test.ts on both n8n lines.
 */
import type { IAuthenticateRuleResponseSuccessBody, IDataObject } from 'n8n-workflow';

import { EsmsApi } from '../../credentials/EsmsApi.credentials';
import { ESMS_CODES } from '../../nodes/EsmsVoice/transport/errors';

const rules = (new EsmsApi().test.rules ?? []) as IAuthenticateRuleResponseSuccessBody[];

/** What n8n's credentials tester does with a 200 answer: the first rule whose key equals its value fails it. */
function verdict(body: IDataObject): string {
	const failed = rules.find((rule) => rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value);
	return failed ? failed.properties.message : 'OK';
}

const NOT_ESMS =
	'The answer to GetBalance_json is not from eSMS (it has no CodeResponse). Check the REST Base URL (leave "Use Custom Base URLs" off to reach eSMS itself) and any proxy in between.';

test('every refusal is an eSMS code whose meaning and action are those of errors.ts', () => {
	const refusals = rules.filter((rule) => rule.properties.value !== undefined);
	expect(refusals.map((rule) => [rule.type, rule.properties.key, rule.properties.value])).toEqual([
		['responseSuccessBody', 'CodeResponse', '101'],
		['responseSuccessBody', 'CodeResponse', '102'],
		['responseSuccessBody', 'CodeResponse', '140'],
		['responseSuccessBody', 'CodeResponse', '143'],
	]);
	for (const rule of refusals) {
		const code = String(rule.properties.value);
		expect(rule.properties.message).toBe(`eSMS error ${code}: ${ESMS_CODES[code].meaning}. ${ESMS_CODES[code].action}`);
	}
});

test.each([
	[{ Balance: 36693, CodeResponse: '100', UserID: 9999 }, 'OK'],
	[{ Balance: 0, CodeResponse: '101', ErrorMessage: 'Authorize Failed' }, `eSMS error 101: ${ESMS_CODES['101'].meaning}. ${ESMS_CODES['101'].action}`],
	[
		{ Balance: 0, CodeResponse: '143', ErrorMessage: 'Account not activated or locked' },
		'eSMS error 143: The account is not activated, or it is locked. Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.',
	],
	[{ CodeResponse: '140' }, `eSMS error 140: ${ESMS_CODES['140'].meaning}. ${ESMS_CODES['140'].action}`],
	[{ CodeResponse: '102' }, `eSMS error 102: ${ESMS_CODES['102'].meaning}. ${ESMS_CODES['102'].action}`],
	// Not eSMS's answer: nothing says the keys work.
	[{}, NOT_ESMS],
	[{ data: '<html><body>Service Unavailable</body></html>' }, NOT_ESMS],
	[{ CodeResult: '100' }, NOT_ESMS],
	// Codes that do not say the keys are unusable (too many requests, or one eSMS has not published): passes.
	[{ CodeResponse: '160', ErrorMessage: 'Too many requests per second' }, 'OK'],
	[{ CodeResponse: '999' }, 'OK'],
] as Array<[IDataObject, string]>)('GetBalance_json answers %j', (body, expected) => {
	expect(verdict(body)).toBe(expected);
});
