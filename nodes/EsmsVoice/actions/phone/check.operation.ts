/**
 * Phone Number → Check: reads every item's number as the call operations would, without calling
 * anyone (no request, nothing charged), and says which are not phone numbers and which repeat an
 * earlier item. For lists from spreadsheets, before a campaign writes them down.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { normalizeVietnamesePhone } from '../phone';
import { isBlank } from '../validate';

export const PHONE_PROBLEMS = {
	empty: 'no phone number',
	notAPhone: 'not a Vietnamese phone number',
	repeated: (firstItem: number) => `same number as item ${firstItem}`,
};

export const checkPhoneOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['phone'] } },
	options: [
		{
			name: 'Check',
			value: 'check',
			action: 'Check phone numbers without calling',
			description: 'Read each number as a call would (e.g. 912345678 from a spreadsheet is 0912345678) and flag the ones that are not phone numbers or repeat an earlier item. Free: nothing is sent.',
		},
	],
	default: 'check',
};

export const checkPhoneFields: INodeProperties[] = [
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		required: true,
		default: '={{ $json.phone }}',
		displayOptions: { show: { resource: ['phone'], operation: ['check'] } },
		description: 'The number to check, usually an expression reading a column of your list',
	},
];

/** Each item with `phoneCheck`: { input, phone (the number as it would be called, or null), valid, problem?, sameAsItem? }. */
export async function checkPhoneNumbers(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const firstItemOf = new Map<string, number>();
	const output = items.map((item, i): INodeExecutionData => {
		const input = this.getNodeParameter('phone', i, '') as unknown;
		const phone = isBlank(input) ? undefined : normalizeVietnamesePhone(input);
		const check: IDataObject = { input: (input ?? null) as IDataObject[keyof IDataObject], phone: phone ?? null, valid: false };
		if (isBlank(input)) check.problem = PHONE_PROBLEMS.empty;
		else if (!phone) check.problem = PHONE_PROBLEMS.notAPhone;
		else if (firstItemOf.has(phone)) {
			const firstItem = firstItemOf.get(phone)!;
			check.problem = PHONE_PROBLEMS.repeated(firstItem);
			check.sameAsItem = firstItem;
		} else {
			firstItemOf.set(phone, i + 1);
			check.valid = true;
		}
		return { json: { ...item.json, phoneCheck: check }, pairedItem: { item: i } };
	});
	return [output];
}
