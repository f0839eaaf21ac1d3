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
import { NodeConnectionTypes } from 'n8n-workflow';

import { type CallResult } from '../shared/callResult';
import { deliveryKey, parseEsmsCallback } from '../shared/callback';
import { isAllowed, parseAllowlist } from '../shared/ipAllowlist';
import { SEND_STATUS_FINAL } from '../shared/wire';
import { openDeliveryLog } from './deliveries';
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
		description: 'Starts the workflow when eSMS reports the result of a voice call',
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

	/**
	 * n8n runs the start node of every execution it starts, so this runs once per started callback,
	 * on the execution's static data (read from the database when the execution starts). n8n saves
	 * that copy when the execution ends (the `workflowExecuteAfter` hook: main process, or the worker
	 * in queue mode) if it changed: this is what makes the record durable on every n8n version.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const log = openDeliveryLog(this, this.getNodeParameter('options', 0, {}) as TriggerOptions);
		for (const item of log ? items : []) {
			if (typeof item.json.referenceId === 'string') log!.recordIfMissing(deliveryKey(item.json as unknown as CallResult));
		}
		return [items];
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

			const item: IDataObject = { ...result, receivedAt: new Date().toISOString(), raw };
			return { workflowData: [[{ json: item }]] };
		} catch (error) {
			// eSMS re-sends on anything but 200; a request we cannot read is the sender's fault.
			this.logger.warn(`eSMS Voice Trigger: could not read a callback: ${(error as Error).message}`);
			return reject(400, 'Could not read this request as an eSMS callback');
		}
	}
}
