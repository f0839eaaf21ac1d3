/**
 * The resume webhook of "Make Call and Wait for Result": eSMS's callback on the waiting
 * execution's resume URL continues the execution with the call's final result.
 */
import type { IDataObject, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { parseEsmsCallback } from '../../../shared/callback';

/** n8n checks this token on resume; it must never reach the output. */
export const RESUME_TOKEN_PARAM = 'signature';
/**
 * Ends the token: a gateway that appends "?ReferenceId=…" to a URL that already has a query would
 * otherwise glue its parameters onto the token. Carries nothing: what the node placed stays in
 * the execution (see expectedCall), never in the URL, where anyone who sees it could change it.
 */
export const TOKEN_END_PARAM = 'esmsWait';
/** Parameters of URLs made by earlier versions (esmsRequestId, esmsPhone): dropped, never read. */
const OUR_URL_PARAMS = [RESUME_TOKEN_PARAM, TOKEN_END_PARAM, 'esmsRequestId', 'esmsPhone'];

/**
 * The resume webhook (restartWebhook): n8n serves it at the execution's resume URL only while the
 * execution waits. It is not a trigger and registers nothing with eSMS, so no webhookMethods.
 */
export const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: '', restartWebhook: true },
];

/** The call this execution placed, as saved on its stack entry; undefined fields when unknown. */
interface ExpectedCall {
	referenceId?: string;
	requestId: string | null;
	phone: string | null;
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The resume webhook runs with the waiting execution's data: n8n-core's WebhookContext takes the
 * node's stack entry (the timed-out item set before putExecutionToWait) as its input, so `$json`
 * is what the node placed. Works the same in n8n 1.x and 2.x.
 */
function expectedCall(ctx: IWebhookFunctions): ExpectedCall {
	let saved: unknown;
	try {
		saved = ctx.evaluateExpression('{{ $json }}', 0);
	} catch {
		saved = undefined;
	}
	const json = saved && typeof saved === 'object' ? (saved as IDataObject) : {};
	return { referenceId: textOrNull(json.referenceId)?.trim() ?? undefined, requestId: textOrNull(json.requestId), phone: textOrNull(json.phone) };
}

/** For the log line: the sender chose this text. */
const quoted = (text: string): string => JSON.stringify(text.slice(0, 64));

/** The resume request: eSMS's callback on this execution's resume URL. */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const response = this.getResponseObject();
	const { result, raw } = parseEsmsCallback(request.originalUrl ?? request.url ?? '', OUR_URL_PARAMS);
	if (!result) {
		response.status(400).json({ error: 'Not an eSMS call-result callback: ReferenceId is missing' });
		return { noWebhookResponse: true };
	}
	const expected = expectedCall(this);
	// Unknown only when eSMS answered "already placed" (124) without the ID: the first result counts.
	if (expected.referenceId !== undefined && expected.referenceId.toLowerCase() !== result.referenceId.trim().toLowerCase()) {
		// 200 all the same: eSMS re-sends anything else, and a re-send can never match.
		this.logger.warn(
			`eSMS Voice: execution ${this.getExecutionId()} waits for call ${quoted(expected.referenceId)}; ignored a callback for call ${quoted(result.referenceId)} on its resume URL`,
		);
		return { webhookResponse: { received: true, resumed: false, reason: 'not the call this execution waits for' } };
	}
	if (!result.final) {
		// eSMS reports "waiting" (2) and "sent, awaiting report" (7) before the result: keep waiting.
		// Final is the trigger's and Get Status's rule (isFinalSendStatus): 5, or no SendStatus at all.
		return { webhookResponse: { received: true, resumed: false } };
	}
	const json: IDataObject = {
		...result,
		requestId: expected.requestId,
		phone: expected.phone,
		resultReceived: true,
		timedOut: false,
		receivedAt: new Date().toISOString(),
		raw,
	};
	return { workflowData: [[{ json, pairedItem: { item: 0 } }]] };
}
