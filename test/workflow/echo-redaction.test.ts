/**
 * A gateway whose ErrorMessage echoes the request it refused (simulator fault "echo": the path
 * and query, the body, and the whole URL encoded once more): the node's error must hold no key
 * and no resume token in any encoding: plain, URL-encoded once (the CallbackUrl inside the query)
 * or twice (that query inside the echoed "url=…"), nor in the JSON body of a POST.
 */
import type { INodeParameters } from 'n8n-workflow';

import { ECHO_CODE } from '../../simulator/src';
import { API_KEY, SECRET_KEY, deepText, makeCallParams, runEsms, useSimulator } from './setup';
import { runWait, waitWorkflow } from '../wait/setup';

const h = useSimulator({ callDelayMs: 5 });

const TOKEN = 'f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef0123';
/** A user's own Callback URL that carries a token (e.g. another workflow's resume URL). */
const USER_CALLBACK = `https://n8n.example.com/webhook-waiting/77?signature=${TOKEN}&esmsWait=1`;

/** Every form a value can take in an echoed request. */
function forms(value: string): string[] {
	const once = encodeURIComponent(value);
	return [value, once, encodeURIComponent(once), once.replace(/%20/g, '+')];
}

/** What the node wrote (the error's node object also holds the parameters, the user's own Callback URL). */
function written(run: { error?: { message: string; description?: string | null }; logs: Array<{ message: string }> }): string {
	return [run.error?.message, run.error?.description, ...run.logs.map((entry) => entry.message)].join('\n');
}

function expectNothingLeaks(text: string, token: string): void {
	for (const secret of [API_KEY, SECRET_KEY, token]) {
		for (const form of forms(secret)) expect(text).not.toContain(form);
	}
	expect(text).not.toMatch(/signature(=|%3D|%253D)(?!\*\*\*)/i);
	expect(text).not.toMatch(/(ApiKey|SecretKey)(=|%3D|%253D|%22%3A%22|":")(?!\*\*\*)/i);
}

test('Make Call with a Callback URL carrying a token: the echoed GET is redacted in every encoding', async () => {
	h.sim.injectFault({ kind: 'echo', endpoint: 'MakeCallRecord_V2' });
	const run = await runEsms(makeCallParams({ additionalFields: { callbackUrl: USER_CALLBACK } }), { items: [{ phone: '0912345678' }], skipSecretCheck: true });
	const [request] = h.sim.requestsTo('MakeCallRecord_V2');
	// The gateway really echoed the keys and the token (once and twice encoded).
	expect(request.rawQuery).toContain(encodeURIComponent(USER_CALLBACK));
	expect(run.error?.message).toBe(
		`eSMS error ${ECHO_CODE}: eSMS refused the request: Invalid request: GET /voice/MainService.svc/json/MakeCallRecord_V2?ApiKey=***&SecretKey=***&Phone=0912345678&TemplateId=1001&CallbackUrl=https%3A%2F%2Fn8n.example.com%2Fwebhook-waiting%2F77%3F…&RequestId=${request.query.RequestId}; body: (none); url=%2Fvoice%2FMainService.svc%2Fjson%2FMakeCallRecord_V2%3FApiKey%3D***%26SecretKey%3D***%26Phone%3D0912345678%26TemplateId%3D1001%26CallbackUrl%3Dhttps%253A%252F%252Fn8n.example.com%252Fwebhook-waiting%252F77%253F…`,
	);
	expectNothingLeaks(written(run), TOKEN);
});

test.each([
	['Make Call and Wait for Result', 'makeCallAndWait', 'MakeCallRecord_V2', { recordingId: '1001' }],
	['Make Call From Template and Wait for Result', 'makeCallFromTemplateAndWait', 'MakeCallTemplate_V2', { templateId: '2001' }],
] as const)('%s: the resume token in the echoed CallbackUrl is redacted in every encoding', async (_label, operation, endpoint, fields) => {
	h.sim.injectFault({ kind: 'echo', endpoint });
	const wf = waitWorkflow(h.sim, { operation, ...(fields as INodeParameters) }, { executionId: `exec-echo-${operation}` });
	const result = await runWait(wf);
	const [request] = h.sim.requestsTo(endpoint);
	const token = new URL(request.query.CallbackUrl).searchParams.get('signature') ?? '';
	expect(token).toMatch(/^[0-9a-f]{64}$/);
	expect(result.error?.message).toMatch(new RegExp(`^eSMS error ${ECHO_CODE}: eSMS refused the request: Invalid request: GET /`));
	expect(result.error?.message).toContain('CallbackUrl=https%3A%2F%2Fn8n.example.com%2Fwebhook-waiting%2Fexec-echo-');
	expect(result.error?.message).toContain('%3F…');
	expectNothingLeaks(deepText(result.error) + deepText(result.errorOf('eSMS Voice')) + JSON.stringify(result.logs), token);
});

test('Send Voice OTP: the echoed JSON body (keys in it) is redacted', async () => {
	h.sim.injectFault({ kind: 'echo', endpoint: 'SendMultipleMessage_V4_post_json' });
	const run = await runEsms(
		{ resource: 'call', operation: 'sendVoiceOtp', phone: '={{ $json.phone }}', content: 'OTP 123456', additionalFields: { callbackUrl: USER_CALLBACK } },
		{ items: [{ phone: '0912345678' }], skipSecretCheck: true },
	);
	const message = run.error?.message ?? '';
	expect(message).toMatch(/^eSMS error 150: eSMS refused the request: Invalid request: POST \/rest\/MainService\.svc\/json\/SendMultipleMessage_V4_post_json\/; body: \{/);
	expect(message).toContain('"ApiKey":"***"');
	expect(message).toContain('"SecretKey":"***"');
	expect(message).toContain('"CallbackUrl":"https://n8n.example.com/webhook-waiting/77?…"');
	expectNothingLeaks(written(run), TOKEN);
});
