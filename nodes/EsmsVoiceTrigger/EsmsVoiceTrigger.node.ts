import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { type CallResult } from '../shared/callResult';
import { deliveryKey, parseEsmsCallback } from '../shared/callback';
import { isAllowed, parseAllowlist } from '../shared/ipAllowlist';
import type { OtpResult } from '../shared/otpResult';
import { DEFAULT_REMEMBER_HOURS, DeliveryLog } from './deliveries';
import { triggerProperties } from './description';

interface TriggerOptions {
	resultKinds?: 'all' | 'calls' | 'voiceOtp';
	answerFilter?: 'any' | 'answered' | 'notAnswered';
	keysPressed?: string;
	ipAllowlist?: string;
	ignoreRepeats?: boolean;
	rememberHours?: number;
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

export class EsmsVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSMS Voice Trigger',
		name: 'esmsVoiceTrigger',
		icon: { light: 'file:esms.svg', dark: 'file:esms.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["onlyFinal"] ? "On final call result" : "On every call update"}}',
		description: 'Starts the workflow when eSMS reports the result of a voice call or a voice OTP',
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
				path: 'esms-voice',
			},
		],
		properties: triggerProperties,
	};

	// eSMS has no API to register a callback URL: the user pastes the URL into "Make Call".
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

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
				const { rules, invalid } = parseAllowlist(allowlist);
				if (invalid.length > 0) {
					this.logger.warn(`eSMS Voice Trigger: ignoring invalid IP allowlist entries: ${invalid.join(', ')}`);
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

			if (options.ignoreRepeats !== false && this.getMode() !== 'manual') {
				const hours = Number(options.rememberHours ?? DEFAULT_REMEMBER_HOURS);
				const log = new DeliveryLog(
					`${this.getWorkflow().id ?? ''}:${this.getNode().id}`,
					this.getWorkflowStaticData('node'),
					(Number.isFinite(hours) && hours > 0 ? hours : DEFAULT_REMEMBER_HOURS) * 3600_000,
				);
				const key = deliveryKey(result);
				if (log.seen(key)) return { webhookResponse: { received: true, started: false, reason: 'repeated delivery' } };
				log.record(key);
			}

			const item: IDataObject = { ...result, receivedAt: new Date().toISOString(), raw: parsed.raw };
			return { workflowData: [[{ json: item }]], webhookResponse: { received: true, started: true } };
		} catch (error) {
			// eSMS re-sends on anything but 200; a request we cannot read is the sender's fault.
			this.logger.warn(`eSMS Voice Trigger: could not read a callback: ${(error as Error).message}`);
			return reject(400, 'Could not read this request as an eSMS callback');
		}
	}
}
