import { NodeApiError } from 'n8n-workflow';

import { placedCallOutput } from '../../nodes/EsmsVoice/actions/call/placedCall';
import { DoNotCallList } from '../../nodes/EsmsVoice/actions/doNotCall';
import type { OperationContext, PreparedRequest } from '../../nodes/EsmsVoice/actions/types';
import { normalizeCallResult } from '../../nodes/shared/callResult';
import { RequestPacer } from '../../nodes/EsmsVoice/transport/pacer';
import { ENDPOINTS } from '../../nodes/shared/wire';
import { fakeContext } from './fake-context';

const ctx: OperationContext = {
	autoRequestId: true,
	doNotCall: new DoNotCallList(),
	settings: {
		voiceBaseUrl: '',
		restBaseUrl: '',
		timeoutMs: 1000,
		retries: 0,
		retryDelayMs: 0,
		secrets: ['UNIT-SECRET-1234'],
		pacer: new RequestPacer(0),
		rateLimitRetries: 0,
		rateLimitDelayMs: 0,
	},
};

const prepared = (params: Record<string, string>): PreparedRequest => ({
	request: { endpoint: ENDPOINTS.makeCallRecord, params, itemIndex: 2, hasRequestId: 'RequestId' in params },
	echo: { phone: '0912345678' },
});

describe('placedCallOutput', () => {
	test('trims the SMSID (the docs sample has a trailing space)', () => {
		const out = placedCallOutput.call(
			fakeContext(),
			{ code: '100', body: { CodeResult: '100', SMSID: '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10 ' } },
			prepared({ RequestId: 'order-1' }),
			ctx,
		);
		expect(out).toEqual({
			referenceId: '8eb2af6d-4e1c-4c5b-9a1e-2f0d7c1e5a10',
			alreadyPlaced: false,
			phone: '0912345678',
			requestId: 'order-1',
			code: '100',
		});
	});

	test('124 with a request ID is a success: the call was already placed', () => {
		const out = placedCallOutput.call(fakeContext(), { code: '124', body: { CodeResult: '124' } }, prepared({ RequestId: 'order-1' }), ctx);
		expect(out).toEqual({
			referenceId: null,
			alreadyPlaced: true,
			phone: '0912345678',
			requestId: 'order-1',
			code: '124',
			message: 'eSMS already accepted a call with this request ID in the last 24 hours; it was not placed again.',
		});
	});

	test('124 without a request ID, and any other code, is an error for that item', () => {
		const run = (code: string, body: Record<string, string>, params: Record<string, string>) => {
			try {
				placedCallOutput.call(fakeContext(), { code, body }, prepared(params), ctx);
			} catch (error) {
				return error as NodeApiError;
			}
			throw new Error('expected an error');
		};
		const e124 = run('124', { CodeResult: '124' }, {});
		expect(e124).toBeInstanceOf(NodeApiError);
		expect([e124.message, e124.description, e124.context.itemIndex]).toEqual([
			'eSMS error 124: Duplicate request ID',
			'A request with this request ID was already accepted in the last 24 hours.',
			2,
		]);
		// eSMS's own text is redacted before it reaches the user
		const eUnknown = run('555', { CodeResult: '555', ErrorMessage: 'bad key UNIT-SECRET-1234' }, {});
		expect(eUnknown.message).toBe('eSMS error 555: eSMS refused the request: bad key ***');
	});
});

describe('normalizeCallResult (callback spelling)', () => {
	test('NO ANSWER with string numbers, price and caller id', () => {
		expect(
			normalizeCallResult({
				ReferenceId: ' 066107ee-6ec4-4283-b595-aa74977c65c5 ',
				CallDuration: '0',
				CallStatus: 'NO ANSWER',
				Ivr: '',
				Price: '0.0000',
				SentResult: '0',
				CID: '02871002454',
				SendStatus: '7',
			}),
		).toEqual({
			referenceId: '066107ee-6ec4-4283-b595-aa74977c65c5',
			answered: false,
			callStatus: 'noAnswer',
			callStatusRaw: 'NO ANSWER',
			durationSeconds: 0,
			keyPressed: null,
			price: 0,
			sentResult: false,
			callerId: '02871002454',
			sendStatus: 7,
			sendStatusLabel: 'Sent, awaiting report',
			final: false,
		});
	});

	test('unknown status and SendStatus', () => {
		const result = normalizeCallResult({ CallStatus: 'BUSY', SendStatus: 9 });
		expect([result.callStatus, result.sendStatusLabel, result.final]).toEqual(['unknown', 'Unknown (9)', false]);
	});
});
