/** Call → Make Call from Template: text-to-speech from a call script (MakeCallTemplate_V2). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ENDPOINTS, MAX_SPEED, MIN_SPEED, PARAM, VARIABLE_SEPARATOR, VOICES } from '../../../shared/wire';
import { doNotCallField } from '../doNotCall';
import { buildCommonCallParams, callbackUrlField, phoneField, requestIdField, scheduleField } from '../fields';
import { TEMPLATE_WAIT_OPERATION } from '../descriptions';
import type { ItemOperation, OperationContext, PreparedRequest } from '../types';
import { inputError, isBlank, requireInteger, requirePhone, requireText } from '../validate';
import { placedCallOutput } from './placedCall';

export const TEMPLATE_OPERATIONS = ['makeCallFromTemplate', TEMPLATE_WAIT_OPERATION];
const show = { resource: ['call'], operation: TEMPLATE_OPERATIONS };

const VOICE_NAMES: Record<(typeof VOICES)[number], string> = {
	female: 'Female, Northern',
	hatieumai: 'Female, Southern (Ha Tieu Mai)',
	male: 'Male, Northern',
	ngoclam: 'Female, Hue (Ngoc Lam)',
};

const description: INodeProperties[] = [
	{ ...phoneField, displayOptions: { show } },
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '123456',
		description: 'ID of an approved call script (text-to-speech template) on account.esms.vn',
		displayOptions: { show },
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add variable',
		description: "Values for the template's variables, in the order they appear in the script",
		displayOptions: { show },
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Variable Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'Nguyễn Văn An',
						description: 'Text read out in place of a variable of the script: the first entry fills the first variable, and so on',
					},
				],
			},
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: { show },
		options: [
			callbackUrlField,
			doNotCallField,
			requestIdField,
			scheduleField,
			{
				displayName: 'Variable List',
				name: 'variableList',
				type: 'string',
				default: '',
				placeholder: '={{ [$json.name, $json.amount] }}',
				description:
					'All the variables at once, in script order: an expression returning an array, or a JSON array as text. Use it instead of Variables when the values come as a list (e.g. columns chosen in a form).',
			},
			{
				displayName: 'Speed',
				name: 'speed',
				type: 'number',
				typeOptions: { minValue: MIN_SPEED, maxValue: MAX_SPEED },
				default: 0,
				description: 'Reading speed: -3 very slow, 0 normal, 3 very fast',
			},
			{
				displayName: 'Voice',
				name: 'voice',
				type: 'options',
				options: VOICES.map((value) => ({ name: VOICE_NAMES[value], value })),
				default: 'female',
				description: 'The voice that reads the script',
			},
		],
	},
];

export function joinTemplateVariables(this: IExecuteFunctions, i: number, values: unknown[], field = 'Variables'): string {
	return values
		.map((value, position) => {
			const text = value === undefined || value === null ? '' : String(value);
			if (text.includes(VARIABLE_SEPARATOR)) {
				throw inputError(
					this,
					i,
					`${field} (value ${position + 1})`,
					`contains "${VARIABLE_SEPARATOR}"`,
					`text without "${VARIABLE_SEPARATOR}" (eSMS uses it to separate the variables)`,
				);
			}
			return text;
		})
		.join(VARIABLE_SEPARATOR);
}

const VARIABLE_LIST_EXPECTED = 'an array of values, e.g. {{ [$json.name, $json.amount] }}, or a JSON array as text';

/** Variable List's values: an array from an expression, or the same as JSON text. */
function variableListValues(this: IExecuteFunctions, i: number, value: unknown): unknown[] {
	let list = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value);
		} catch {
			throw inputError(this, i, 'Variable List', 'is not a list', VARIABLE_LIST_EXPECTED);
		}
	}
	if (!Array.isArray(list)) throw inputError(this, i, 'Variable List', 'is not a list', VARIABLE_LIST_EXPECTED);
	const nested = list.findIndex((entry) => entry !== null && typeof entry === 'object');
	if (nested >= 0) {
		throw inputError(this, i, 'Variable List', `value ${nested + 1} is not text or a number`, VARIABLE_LIST_EXPECTED);
	}
	return list;
}

export function buildTemplateCallParams(this: IExecuteFunctions, i: number, ctx: OperationContext): PreparedRequest {
	const phone = requirePhone(this, i, 'Phone', this.getNodeParameter('phone', i));
	const templateId = requireText(this, i, 'Template ID', this.getNodeParameter('templateId', i), 'the ID of a call script on account.esms.vn');
	const params: IDataObject = { [PARAM.phone]: phone, [PARAM.templateId]: templateId };
	const variables = this.getNodeParameter('variables.variable', i, []) as Array<{ value?: unknown }>;
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	let values = variables.map((v) => v.value);
	let field = 'Variables';
	if (!isBlank(fields.variableList)) {
		if (variables.length > 0) {
			throw inputError(this, i, 'Variable List', 'is set as well as Variables', 'one of the two, not both');
		}
		values = variableListValues.call(this, i, fields.variableList);
		field = 'Variable List';
	}
	if (values.length > 0) params[PARAM.variableList] = joinTemplateVariables.call(this, i, values, field);
	if (!isBlank(fields.voice)) {
		const voice = String(fields.voice);
		if (!(VOICES as readonly string[]).includes(voice)) {
			throw inputError(this, i, 'Voice', `"${voice}" is not a voice`, `one of ${VOICES.join(', ')}`);
		}
		params[PARAM.voice] = voice;
	}
	if (!isBlank(fields.speed)) params[PARAM.speed] = requireInteger(this, i, 'Speed', fields.speed, MIN_SPEED, MAX_SPEED);
	const common = buildCommonCallParams(this, i, phone, fields, 'voice', ctx);
	Object.assign(params, common.params);
	return {
		request: { endpoint: ENDPOINTS.makeCallTemplate, params, itemIndex: i, hasRequestId: PARAM.requestId in params },
		echo: common.echo,
		sendAt: common.sendAt,
		skip: common.skip,
	};
}

export const makeCallFromTemplate: ItemOperation = {
	description,
	prepare: buildTemplateCallParams,
	toOutput: placedCallOutput,
	placesCalls: true,
};
