import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type CallResult } from '../shared/callResult';
import { deliveryKey, parseEsmsCallback } from '../shared/callback';
import { isAllowed, parseAllowlist } from './ipAllowlist';
import type { OtpResult } from '../shared/otpResult';
import { CARRIED_RECORD_FIELD, openDeliveryLog } from './deliveries';
import { triggerProperties } from './description';

interface TriggerOptions {
	resultKinds?: 'all' | 'calls' | 'voiceOtp';
	answerFilter?: 'any' | 'answered' | 'notAnswered';
	keysPressed?: string;
	ipAllowlist?: string;
	ignoreRepeats?: boolean;
	rememberHours?: number;
	path?: string;
}

/** The trigger's item: `kind` tells a call's result from a voice OTP's. */
type TriggerResult = (CallResult & { kind: 'call' }) | OtpResult;

/** Why a valid callback starts nothing; undefined when it should start the workflow. */
function filteredOut(result: TriggerResult, onlyFinal: boolean, options: TriggerOptions): string | undefined {
	const otp = result.kind === 'voiceOtp';
	if (options.resultKinds === 'calls' && otp) return 'a voice OTP result';
	if (options.resultKinds === 'voiceOtp' && !otp) return 'a call result';
	if (onlyFinal && !result.final) return 'not a final result';
	// For a voice OTP, "answered" means eSMS reports it delivered.
	const reached = otp ? result.delivered : result.answered;
	if (options.answerFilter === 'answered' && !reached) return otp ? 'not delivered' : 'not answered';
	if (options.answerFilter === 'notAnswered' && reached) return otp ? 'delivered' : 'answered';
	const keys = (options.keysPressed ?? '').split(/[,\s]+/).filter(Boolean);
	if (keys.length > 0 && otp) return 'a voice OTP has no key pressed';
	if (keys.length > 0 && !otp && !keys.includes(result.keyPressed ?? '')) return 'key pressed not in the list';
	return undefined;
}

/**
 * Run when the workflow is activated (and on "Listen for test event"): an unusable IP Allowlist
 * fails the activation with its reasons, shown in the editor; host bits only warn (server log).
 */
function checkAllowlist(ctx: IHookFunctions): void {
	const text = ((ctx.getNodeParameter('options', {}) as TriggerOptions).ipAllowlist ?? '').trim();
	if (!text) return;
	const { problems, warnings } = parseAllowlist(text);
	for (const warning of warnings) ctx.logger.warn(`eSMS Voice Trigger: IP allowlist: ${warning}`);
	if (problems.length > 0) {
		throw new NodeOperationError(ctx.getNode(), `IP Allowlist: ${problems.join('; ')}`, {
			description: 'Fix the IP Allowlist option (comma-separated addresses or CIDR ranges, e.g. 203.0.113.10, 198.51.100.0/24), or leave it empty to allow any sender.',
		});
	}
}

export class EsmsVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSMS Voice Trigger',
		name: 'esmsVoiceTrigger',
		icon: { light: 'file:esms.svg', dark: 'file:esms.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["onlyFinal"] ? "On final call result" : "On every call update"}}',
		// n8n's node panel groups this trigger with the eSMS Voice node under one entry and shows this
		// text for the entry (and its "Node details"), so it describes the pair, not the trigger alone.
		description: 'Place automated voice calls and voice OTPs through eSMS.vn (VIHAT) and start workflows on their results',
		documentationUrl: 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice#esms-voice-trigger',
		defaults: { name: 'eSMS Voice Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				// Empty: n8n then answers with the webhookResponse below instead of the literal
				// default 'firstEntryJson' (see n8n's extractWebhookOnReceivedResponse).
				responseData: '',
				// The generated URL (…/webhook/<webhook ID>/esms-voice), or …/webhook/<path> when the
				// Path option is set.
				path: '={{ $parameter["options"]["path"] ? $parameter["options"]["path"].replace(/^\\/+|\\/+$/g, "") : "esms-voice" }}',
				// n8n evaluates this like path (webhook.service, the editor's URL), though it is typed boolean.
				isFullPath: '={{ !!$parameter["options"]["path"] }}' as unknown as boolean,
			},
		],
		properties: triggerProperties,
	};

	// eSMS has no API to register a callback URL: the user pastes the URL into "Make Call".
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				checkAllowlist(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				checkAllowlist(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	/**
	 * n8n runs the start node of every execution it starts, so this runs once per started callback,
	 * on the execution's static data, and saves that copy when the execution ends (the
	 * `workflowExecuteAfter` hook) if it changed: this is what makes the record durable on every n8n
	 * version. The copy is read from the database when the execution starts in the main process; on
	 * a queue-mode worker (2.41) it starts empty and is saved over the stored one, so the record the
	 * item carries from the webhook (the saved copy that process read, plus what it remembers) is
	 * merged first: whichever worker saves, and however recently it started, nothing is dropped.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const log = openDeliveryLog(this, this.getNodeParameter('options', 0, {}) as TriggerOptions);
		const output = items.map((item) => {
			if (!(CARRIED_RECORD_FIELD in item.json)) return item;
			const { [CARRIED_RECORD_FIELD]: carried, ...json } = item.json;
			log?.mergeCarried(carried);
			return { ...item, json };
		});
		for (const item of log ? output : []) {
			if (typeof item.json.referenceId === 'string') log!.recordIfMissing(deliveryKey(item.json as unknown as CallResult | OtpResult));
		}
		return [output];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const reject = (status: number, error: string): IWebhookResponseData => {
			response.status(status).json({ error });
			return { noWebhookResponse: true };
		};
		try {
			const options = this.getNodeParameter('options', {}) as TriggerOptions;
			const allowlist = (options.ipAllowlist ?? '').trim();
			if (allowlist) {
				// Activation refuses these lists; one activated before that check is still read safely.
				const { rules, invalid } = parseAllowlist(allowlist);
				if (invalid.length > 0) {
					this.logger.warn(`eSMS Voice Trigger: ignoring invalid IP allowlist entries: ${invalid.join(', ')}`);
				} else if (rules.length === 0) {
					this.logger.warn('eSMS Voice Trigger: the IP allowlist lists no address: every callback is refused');
				}
				const ip = request.ip ?? request.socket?.remoteAddress;
				if (!isAllowed(ip, rules)) return reject(403, 'This address is not allowed to send eSMS callbacks');
			}

			const parsed = parseEsmsCallback(request.originalUrl ?? request.url ?? '');
			const result: TriggerResult | undefined = parsed.result ? { kind: 'call', ...parsed.result } : parsed.otp;
			if (!result) {
				return reject(400, 'Not an eSMS callback: it has neither ReferenceId (call) nor SMSID (voice OTP)');
			}

			const onlyFinal = this.getNodeParameter('onlyFinal', true) as boolean;
			const skipped = filteredOut(result, onlyFinal, options);
			if (skipped) return { webhookResponse: { received: true, started: false, reason: skipped } };

			const log = openDeliveryLog(this, options);
			if (log) {
				const key = deliveryKey(result);
				if (log.seen(key)) return { webhookResponse: { received: true, started: false, reason: 'repeated delivery' } };
				// n8n saves the static data after webhook() only while its change flag is still set: n8n
				// 1.x does, before answering eSMS. n8n 2.x (2.41) starts the execution on the same
				// static-data object and re-wraps it (ObservableObject.create), which clears the flag,
				// so this write reaches the database only when the workflow had no static data yet.
				// execute() below writes it again, on the execution's own copy, which every version saves.
				log.record(key);
			}

			const item: IDataObject = { ...result, receivedAt: new Date().toISOString(), raw: parsed.raw };
			// For the execution's write (see execute()); execute() removes it from the output.
			if (log) item[CARRIED_RECORD_FIELD] = log.carried();
			return { workflowData: [[{ json: item }]], webhookResponse: { received: true, started: true } };
		} catch (error) {
			// eSMS re-sends on anything but 200; a request we cannot read is the sender's fault.
			this.logger.warn(`eSMS Voice Trigger: could not read a callback: ${(error as Error).message}`);
			return reject(400, 'Could not read this request as an eSMS callback');
		}
	}
}
