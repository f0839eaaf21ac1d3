// Defaults, and how a phone number is mapped to its scripted outcome.
import type { EffectiveOptions, ResolvedOutcome, ScriptedOutcome, SimulatorOptions } from './types';

export const DEFAULT_API_KEY = 'SIM-API-KEY-0001';
export const DEFAULT_SECRET_KEY = 'SIM-SECRET-KEY-0001';

/** Price used to decide whether the balance allows one more call (code 103). */
export const PRICE_PER_CALL = 500;

export function resolveOptions(options: SimulatorOptions = {}): EffectiveOptions {
	const outcomes: Record<string, ScriptedOutcome> = {};
	for (const [phone, outcome] of Object.entries(options.outcomes ?? {})) {
		outcomes[normalizePhone(phone)] = outcome;
	}
	const effective: Required<SimulatorOptions> = {
		port: options.port ?? 0,
		apiKey: options.apiKey ?? DEFAULT_API_KEY,
		secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
		balance: options.balance ?? 1_000_000,
		recordings: [...(options.recordings ?? ['1001', '1002'])],
		templates: [...(options.templates ?? ['2001', '2002'])],
		callDelayMs: options.callDelayMs ?? 200,
		callbackRetryDelayMs: options.callbackRetryDelayMs ?? 100,
		maxCallbackRetries: options.maxCallbackRetries ?? 5,
		intermediateCallbacks: options.intermediateCallbacks ?? false,
		callbackStyle: options.callbackStyle ?? 'append',
		numbersAsStrings: options.numbersAsStrings ?? false,
		outcomes,
		defaultOutcome: options.defaultOutcome ?? { callStatus: 'ANSWERED', ivr: '1', duration: 13 },
		outcomeByLastDigit: options.outcomeByLastDigit ?? false,
		omitSendStatus: options.omitSendStatus ?? false,
		rateLimitPerSecond: options.rateLimitPerSecond ?? 0,
		accountCode: options.accountCode ?? '',
		notFoundForMs: options.notFoundForMs ?? 0,
		quiet: options.quiet ?? true,
	};
	return Object.freeze(effective);
}

/** Outcomes are keyed by the national form: a leading 84 becomes 0. */
export function normalizePhone(phone: string): string {
	return phone.startsWith('84') ? `0${phone.slice(2)}` : phone;
}

/** The CLI convention, so a user can steer calls without any configuration. */
export function outcomeForLastDigit(phone: string): ScriptedOutcome {
	switch (phone.slice(-1)) {
		case '0':
			return { callStatus: 'NO ANSWER' };
		case '2':
			return { callStatus: 'ANSWERED', ivr: '2', duration: 13 };
		case '9':
			return { callStatus: '', sentResult: 0 };
		default:
			return { callStatus: 'ANSWERED', ivr: '1', duration: 13 };
	}
}

export function pickOutcome(
	normalizedPhone: string,
	scripted: ReadonlyMap<string, ScriptedOutcome>,
	options: EffectiveOptions,
): ScriptedOutcome {
	const explicit = scripted.get(normalizedPhone);
	if (explicit) return explicit;
	if (options.outcomeByLastDigit) return outcomeForLastDigit(normalizedPhone);
	return options.defaultOutcome;
}

export function resolveOutcome(outcome: ScriptedOutcome): ResolvedOutcome {
	const answered = outcome.callStatus === 'ANSWERED';
	return {
		callStatus: outcome.callStatus,
		duration: outcome.duration ?? (answered ? 13 : 0),
		ivr: outcome.ivr ?? '',
		sentResult: outcome.sentResult ?? (answered ? 1 : 0),
		price: outcome.price ?? (answered ? PRICE_PER_CALL : 0),
	};
}
