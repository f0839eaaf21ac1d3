// Public types of the eSMS simulator. Other suites code against these, so change them with care.

/** What a scripted phone number does when called. */
export interface ScriptedOutcome {
	/** As the callback spells it; GetSendStatus spells no answer 'NOANSWERED'. '' = failed. */
	callStatus: 'ANSWERED' | 'NO ANSWER' | '';
	/** CallDuration in seconds (default 13 if answered, else 0). */
	duration?: number;
	/** Key pressed ('' by default). */
	ivr?: string;
	/** Default 1 if answered, else 0. */
	sentResult?: 0 | 1;
	/** Default 500 if answered, else 0. Deducted from the balance when the call is final. */
	price?: number;
	/** If set, the make-call request is answered with this CodeResult and nothing is placed. */
	code?: string;
}

/** An outcome with every default filled in (code is handled at request time, so it is absent). */
export type ResolvedOutcome = Required<Omit<ScriptedOutcome, 'code'>>;

/**
 * How the result reaches CallbackUrl: 'append' adds `&params` (or `?params`); 'strayQuestionMark'
 * always adds `?params`; 'placeholders' fills the URL's empty `ReferenceId=&CallDuration=&…`
 * placeholders in place, as the docs show, and appends the parameters it has no placeholder for.
 */
export type CallbackStyle = 'append' | 'strayQuestionMark' | 'placeholders';

export interface SimulatorOptions {
	/** 0 (default) = random free port. */
	port?: number;
	apiKey?: string;
	secretKey?: string;
	balance?: number;
	/** TemplateIds valid for MakeCallRecord_V2. */
	recordings?: string[];
	/** TemplateIds valid for MakeCallTemplate_V2. */
	templates?: string[];
	/** Time from an accepted call to its final result. */
	callDelayMs?: number;
	/** Wait between callback retries. */
	callbackRetryDelayMs?: number;
	/** Retries after the first attempt (5 = at most 6 attempts). */
	maxCallbackRetries?: number;
	/** Send SendStatus=2 then SendStatus=7 callbacks before the final one. */
	intermediateCallbacks?: boolean;
	/** 'strayQuestionMark' always appends '?'+params, even to a URL that already has a '?'. */
	callbackStyle?: CallbackStyle;
	/** GetSendStatus answers numbers as strings ("13"). */
	numbersAsStrings?: boolean;
	/** Keyed by phone with a leading 84 replaced by 0 ('0912345678'). */
	outcomes?: Record<string, ScriptedOutcome>;
	/** Used when no explicit (or last-digit) outcome applies. */
	defaultOutcome?: ScriptedOutcome;
	/** When no explicit outcome matches: last digit 0 = no answer, 2 = key 2, 9 = failed, else key 1. */
	outcomeByLastDigit?: boolean;
	/** Callbacks without SendStatus, as eSMS's 2023 callback page describes them (default false). */
	omitSendStatus?: boolean;
	/** The account's requests per second over every endpoint; above it the answer is 160 (0 = no limit). */
	rateLimitPerSecond?: number;
	/**
	 * An account that cannot be used: every request with the right keys is answered with this code
	 * and does nothing ('143': not activated or locked; '102': no price list). '' (default): none.
	 */
	accountCode?: string;
	/**
	 * GetSendStatus answers 105 (not found) for a call younger than this, as eSMS's docs warn that
	 * a call made seconds ago may not be queryable yet (default 0: found at once).
	 */
	notFoundForMs?: number;
	/** No console output. */
	quiet?: boolean;
}

export type EffectiveOptions = Readonly<Required<SimulatorOptions>>;

export type Endpoint =
	| 'MakeCallRecord_V2'
	| 'MakeCallTemplate_V2'
	| 'GetSendStatus'
	| 'GetBalance_json'
	| 'SendMultipleMessage_V4_post_json';

export type CallEndpoint = 'MakeCallRecord_V2' | 'MakeCallTemplate_V2' | 'SendMultipleMessage_V4_post_json';

export interface RecordedRequest {
	/** 'unknown' when the path is under neither /voice/ nor /rest/. */
	host: 'voice' | 'rest' | 'unknown';
	/** Last path segment (the endpoint name for known paths). */
	endpoint: string;
	method: string;
	/** Exactly the query string as received, without '?', '' if none. */
	rawQuery: string;
	/** Decoded; the first value wins when a name repeats. */
	query: Record<string, string>;
	/** Parsed JSON body for POST (or the raw text if not JSON). */
	body?: unknown;
	/** The code the simulator answered (undefined when faulted or the path is unknown). */
	code?: string;
	time: number;
}

export interface CallbackAttempt {
	url: string;
	status: number | 'error';
	attempt: number;
	referenceId: string;
	sendStatus: number;
	/** When the attempt was sent. */
	sentAt: number;
	/** When its answer (or error) came. */
	time: number;
}

/**
 * echo: a gateway whose ErrorMessage repeats the request it refused (query, body, and URL-encoded).
 * http408, http429: a proxy or firewall in front of eSMS (request timeout, too many requests).
 */
export type FaultKind = 'latency' | 'http500' | 'http503' | 'http408' | 'http429' | 'reset' | 'html' | 'hang' | 'echo';

export interface FaultSpec {
	/** Default: any endpoint. */
	endpoint?: Endpoint;
	kind: FaultKind;
	/** For latency: delay before answering normally. */
	ms?: number;
	/** How many requests it applies to (default 1; Infinity allowed). */
	times?: number;
}

export interface SimulatedCall {
	/** The SMSID answered to the caller (a UUID for a call, 35 hex digits for a voice OTP). */
	referenceId: string;
	endpoint: CallEndpoint;
	/** A voice OTP is an SMS-type message: SMS-form callback, status on the rest host. */
	kind: 'call' | 'voiceOtp';
	/** Phone as received. */
	phone: string;
	/** Phone with a leading 84 replaced by 0. */
	normalizedPhone: string;
	templateId?: string;
	/** OTP text (SendMultipleMessage_V4_post_json). */
	content?: string;
	requestId?: string;
	/** Decoded CallbackUrl, if any. */
	callbackUrl?: string;
	/** Request parameters without ApiKey and SecretKey. */
	params: Record<string, string>;
	status: 'pending' | 'final';
	outcome: ResolvedOutcome;
	/**
	 * Where the final result's callback stands: 'sending' (attempts left), 'delivered' (a receiver
	 * answered HTTP 200), 'failed' (every attempt failed). Unset without a CallbackUrl or before the end.
	 */
	resultDelivery?: 'sending' | 'delivered' | 'failed';
	createdAt: number;
	finishedAt?: number;
}

/** What the simulator did with the calls (voice OTPs not counted) since the last reset. */
export interface SimulatorSummary {
	/** Calls accepted (pending and final). */
	placed: number;
	pending: number;
	final: number;
	/** Final calls by outcome: answered + noAnswer + failed = final. */
	answered: number;
	noAnswer: number;
	failed: number;
	/** Final calls per key pressed (calls with no key are not counted here). */
	keys: Record<string, number>;
	/** Sum of the final calls' prices (what the balance was charged). */
	totalPrice: number;
	/** Final results by callback: reached a receiver with HTTP 200, failed every attempt, attempts left, no CallbackUrl. */
	callbacks: { delivered: number; neverDelivered: number; sending: number; noCallbackUrl: number };
	/** Sum of the prices carried by delivered final callbacks (what a receiver can have recorded). */
	deliveredPrice: number;
}
