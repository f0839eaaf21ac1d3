// What each eSMS endpoint answers. Pure decisions over the simulator state; no HTTP here.
import { randomUUID } from 'node:crypto';
import type { NewCall } from './calls';
import { normalizePhone, PRICE_PER_CALL, resolveOutcome } from './options';
import type { EffectiveOptions, ScriptedOutcome, SimulatedCall } from './types';
import {
	checkCallOptions,
	checkRequestId,
	errorMessage,
	isValidPhone,
	isValidSendDate,
	param,
	type Params,
} from './validation';

export interface Reply {
	code: string;
	body: Record<string, unknown>;
}

/** The part of the simulator the endpoints read and change. */
export interface EndpointState {
	readonly options: EffectiveOptions;
	readonly balance: number;
	/** RequestIds already accepted (one account, so one set across every endpoint). */
	readonly requestIds: Set<string>;
	outcomeFor(normalizedPhone: string): ScriptedOutcome;
	placeCall(call: NewCall): SimulatedCall;
	getCall(referenceId: string): SimulatedCall | undefined;
}

const codeResult = (code: string, message = errorMessage(code)): Reply => ({
	code,
	body: { CodeResult: code, ErrorMessage: message },
});
const codeResponse = (code: string, message = errorMessage(code)): Reply => ({
	code,
	body: { CodeResponse: code, ErrorMessage: message },
});

function authorized(params: Params, state: EndpointState): boolean {
	return params.ApiKey === state.options.apiKey && params.SecretKey === state.options.secretKey;
}

/** Parameters worth keeping on a call: everything but the credentials. */
function withoutKeys(params: Params): Params {
	return Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'ApiKey' && name !== 'SecretKey'));
}

export function makeCall(endpoint: 'MakeCallRecord_V2' | 'MakeCallTemplate_V2', params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return codeResult('101');
	const phone = param(params, 'Phone');
	if (!isValidPhone(phone)) return codeResult('108');
	const recording = endpoint === 'MakeCallRecord_V2';
	const templateId = param(params, 'TemplateId');
	const known = recording ? state.options.recordings : state.options.templates;
	if (templateId === undefined || !known.includes(templateId)) return codeResult(recording ? '106' : '104');
	const invalid = checkCallOptions(params, !recording);
	if (invalid) return codeResult('-1', invalid);
	return accept(endpoint, phone, params, state, { templateId });
}

export function sendOtp(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return codeResult('101');
	const phone = param(params, 'Phone');
	if (!isValidPhone(phone)) return codeResult('108');
	if (param(params, 'SmsType') !== '8') return codeResult('118');
	const content = param(params, 'Content');
	if (content === undefined) return codeResult('-1', 'Content is required');
	const sendDate = param(params, 'SendDate');
	if (sendDate !== undefined && !isValidSendDate(sendDate, '-')) return codeResult('-1', 'Invalid SendDate');
	const invalid = checkRequestId(params);
	if (invalid) return codeResult('-1', invalid);
	const sandbox = ['1', 'true'].includes(params.Sandbox ?? '');
	return accept('SendMultipleMessage_V4_post_json', phone, params, state, { content, sandbox });
}

/** Checks shared by every call endpoint once the parameters are valid, then the call itself. */
function accept(
	endpoint: NewCall['endpoint'],
	phone: string,
	params: Params,
	state: EndpointState,
	extra: { templateId?: string; content?: string; sandbox?: boolean },
): Reply {
	const requestId = param(params, 'RequestId');
	if (requestId !== undefined && state.requestIds.has(requestId)) return codeResult('124');
	const normalizedPhone = normalizePhone(phone);
	const scripted = state.outcomeFor(normalizedPhone);
	if (scripted.code !== undefined && scripted.code !== '100') return codeResult(scripted.code);
	// A sandbox request delivers nothing, so it costs nothing either.
	if (!extra.sandbox && state.balance < PRICE_PER_CALL) return codeResult('103');
	if (requestId !== undefined) state.requestIds.add(requestId);
	const referenceId = randomUUID();
	if (!extra.sandbox) {
		state.placeCall({
			referenceId,
			endpoint,
			phone,
			normalizedPhone,
			templateId: extra.templateId,
			content: extra.content,
			requestId,
			callbackUrl: param(params, 'CallbackUrl'),
			params: withoutKeys(params),
			outcome: resolveOutcome(scripted),
		});
	}
	return { code: '100', body: { CodeResult: '100', SMSID: referenceId } };
}

export function getBalance(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) {
		return { code: '101', body: { Balance: 0, CodeResponse: '101', ErrorMessage: errorMessage('101') } };
	}
	return { code: '100', body: { Balance: state.balance, CodeResponse: '100', UserID: 9999 } };
}

export function getSendStatus(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return codeResponse('101');
	const referenceId = param(params, 'ReferenceId');
	const call = referenceId === undefined ? undefined : state.getCall(referenceId);
	if (call === undefined) return codeResponse('105');
	const final = call.status === 'final';
	const number = (value: number): number | string => (state.options.numbersAsStrings ? String(value) : value);
	// This page spells no answer 'NOANSWERED'; the callback spells it 'NO ANSWER'.
	const callStatus = !final ? '' : call.outcome.callStatus === 'NO ANSWER' ? 'NOANSWERED' : call.outcome.callStatus;
	return {
		code: '100',
		body: {
			CallDuration: number(final ? call.outcome.duration : 0),
			CallStatus: callStatus,
			CodeResponse: '100',
			Ivr: final ? call.outcome.ivr : '',
			ReferenceId: call.referenceId,
			SendStatus: number(final ? 5 : 2),
			SentResult: number(final ? call.outcome.sentResult : 0),
		},
	};
}
