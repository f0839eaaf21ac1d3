// What each eSMS endpoint answers. Pure decisions over the simulator state; no HTTP here.
import { randomBytes, randomUUID } from 'node:crypto';
import type { NewCall } from './calls';
import { normalizePhone, PRICE_PER_CALL, resolveOutcome } from './options';
import type { EffectiveOptions, Endpoint, ScriptedOutcome, SimulatedCall } from './types';
import {
	checkCallOptions,
	checkRequestId,
	errorMessage,
	idKey,
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

/** options.accountCode: the right keys of an account that cannot be used; every request refused. */
export function accountRefusal(endpoint: Endpoint, params: Params, state: EndpointState): Reply | undefined {
	const code = state.options.accountCode;
	if (code === '' || !authorized(params, state)) return undefined;
	if (endpoint === 'GetBalance_json') return { code, body: { Balance: 0, CodeResponse: code, ErrorMessage: errorMessage(code) } };
	return endpoint === 'GetSendStatus' ? codeResponse(code) : codeResult(code);
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
	// The docs do not say how a bad Ivr, Speed, SendDate, … is answered: the simulator assumes 110
	// ("request data invalid" in the error table), with the field named in ErrorMessage.
	const invalid = checkCallOptions(params, !recording);
	if (invalid) return codeResult('110', invalid);
	return accept(endpoint, phone, params, state, { templateId });
}

/** Several numbers in one voice OTP request (eSMS answers 163 for SmsType 8). */
const MULTIPLE_PHONES = /[,;\s]/;

export function sendOtp(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return codeResult('101');
	const phone = param(params, 'Phone');
	if (phone !== undefined && MULTIPLE_PHONES.test(phone.trim())) return codeResult('163');
	if (!isValidPhone(phone)) return codeResult('108');
	const smsType = param(params, 'SmsType');
	if (smsType === undefined) return codeResult('300');
	if (smsType !== '8') return codeResult('118');
	const content = param(params, 'Content');
	if (content === undefined) return codeResult('110', 'Content is required');
	const sendDate = param(params, 'SendDate');
	if (sendDate !== undefined && !isValidSendDate(sendDate, '-')) return codeResult('110', 'Invalid SendDate');
	const invalid = checkRequestId(params);
	if (invalid) return codeResult('110', invalid);
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
	if (requestId !== undefined && state.requestIds.has(idKey(requestId))) return codeResult('124');
	const normalizedPhone = normalizePhone(phone);
	const scripted = state.outcomeFor(normalizedPhone);
	if (scripted.code !== undefined && scripted.code !== '100') return codeResult(scripted.code);
	// A sandbox request delivers nothing, so it costs nothing either.
	if (!extra.sandbox && state.balance < PRICE_PER_CALL) return codeResult('103');
	if (requestId !== undefined) state.requestIds.add(idKey(requestId));
	const otp = endpoint === 'SendMultipleMessage_V4_post_json';
	const referenceId = otp ? otpId() : randomUUID();
	if (!extra.sandbox) {
		state.placeCall({
			referenceId,
			kind: otp ? 'voiceOtp' : 'call',
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
	if (otp) return { code: '100', body: { CodeResult: '100', CountRegenerate: 0, SMSID: referenceId } };
	return { code: '100', body: { CodeResult: '100', SMSID: referenceId } };
}

/** A voice OTP's SMSID as eSMS writes it: 32 hex digits and a 3-digit suffix, no dashes. */
function otpId(): string {
	return `${randomBytes(16).toString('hex')}${String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0')}`;
}

export function getBalance(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) {
		return { code: '101', body: { Balance: 0, CodeResponse: '101', ErrorMessage: errorMessage('101') } };
	}
	return { code: '100', body: { Balance: state.balance, CodeResponse: '100', UserID: 9999 } };
}

/** GetSendStatus answers wrong keys with CodeResult (not CodeResponse) and CountRegenerate. */
const statusAuthFailed = (): Reply => ({
	code: '101',
	body: { CodeResult: '101', CountRegenerate: 0, ErrorMessage: errorMessage('101') },
});

/** Voice host: a call's status by ReferenceId (a voice OTP's ID is not found here). */
export function getSendStatus(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return statusAuthFailed();
	const referenceId = param(params, 'ReferenceId');
	const call = referenceId === undefined ? undefined : state.getCall(referenceId);
	if (call === undefined || call.kind !== 'call') return codeResponse('105');
	// eSMS: "a call made seconds ago may not be queryable yet".
	if (Date.now() - call.createdAt < state.options.notFoundForMs) return codeResponse('105');
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

/** Rest host: an SMS-type message's status by RefId, here a voice OTP (a call's ID is not found). */
export function getOtpStatus(params: Params, state: EndpointState): Reply {
	if (!authorized(params, state)) return statusAuthFailed();
	const refId = param(params, 'RefId');
	const otp = refId === undefined ? undefined : state.getCall(refId);
	if (otp === undefined || otp.kind !== 'voiceOtp') return codeResponse('105');
	const final = otp.status === 'final';
	const number = (value: number): number | string => (state.options.numbersAsStrings ? String(value) : value);
	return {
		code: '100',
		body: {
			CodeResponse: '100',
			SMSID: otp.referenceId,
			SendFailed: number(final ? 1 - otp.outcome.sentResult : 0),
			SendStatus: number(final ? 5 : 2),
			SendSuccess: number(final ? otp.outcome.sentResult : 0),
			TotalPrice: number(final ? otp.outcome.price : 0),
			TotalReceiver: number(1),
			TotalSent: number(1),
		},
	};
}
