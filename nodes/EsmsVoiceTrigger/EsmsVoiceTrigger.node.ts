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
import { SEND_STATUS_FINAL } from '../shared/wire';
import { DEFAULT_REMEMBER_HOURS, DeliveryLog } from './deliveries';
import { triggerProperties } from './description';

interface TriggerOptions {
	answerFilter?: 'any' | 'answered' | 'notAnswered';
	keysPressed?: string;
	ipAllowlist?: string;
	ignoreRepeats?: boolean;
	rememberHours?: number;
}

/** Why a valid callback starts nothing; undefined when it should start the workflow. */
function filteredOut(result: CallResult, onlyFinal: boolean, options: TriggerOptions): string | undefined {
	if (onlyFinal && result.sendStatus !== SEND_STATUS_FINAL) return 'not a final result';
	if (options.answerFilter === 'answered' && !result.answered) return 'not answered';
	if (options.answerFilter === 'notAnswered' && result.answered) return 'answered';
	const keys = (options.keysPressed ?? '').split(/[,\s]+/).filter(Boolean);
	if (keys.length > 0 && !keys.includes(result.keyPressed ?? '')) return 'key pressed not in the list';
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
		// n8n's node panel groups this trigger with the eSMS Voice node under one entry and shows this
		// text for the entry (and its "Node details"), so it describes the pair, not the trigger alone.
		description: 'Place automated voice calls through eSMS.vn (VIHAT) and start workflows on their results',
		documentationUrl: 'https://github.com/n8n-nodes-esms-voice/n8n-nodes-esms-voice#esms-voice-trigger',
		defaults: { name: 'eSMS Voice Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'GET',
				responseMode: 'onReceived',
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

			const { result, raw } = parseEsmsCallback(request.originalUrl ?? request.url ?? '');
			if (!result) return reject(400, 'Not an eSMS call-result callback: ReferenceId is missing');

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

			const item: IDataObject = { ...result, receivedAt: new Date().toISOString(), raw };
			return { workflowData: [[{ json: item }]] };
		} catch (error) {
			// eSMS re-sends on anything but 200; a request we cannot read is the sender's fault.
			this.logger.warn(`eSMS Voice Trigger: could not read a callback: ${(error as Error).message}`);
			return reject(400, 'Could not read this request as an eSMS callback');
		}
	}
}
