// A stand-in for an OpenAI chat model (POST /v1/chat/completions on 127.0.0.1), for driving n8n's
// AI Agent without the internet. It is scripted by the user message itself: a JSON text
// {"tool": "<tool name>", "args": {...}} makes the first answer a call of that tool with those
// arguments; once the conversation holds the tool's answer, the model answers with a final text
// "TOOL SAID: <the tool message>". Every request is recorded, so a test reads exactly what the
// model was shown (the tool message content).
import * as http from 'node:http';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: Array<{ type: string; function: { name: string; description?: string } }>;
	stream?: boolean;
}

/** The tool call a user message asks the stand-in to make. */
export function scriptedPrompt(tool: string, args: Record<string, unknown>): string {
	return JSON.stringify({ tool, args });
}

export const FINAL_ANSWER_PREFIX = 'TOOL SAID: ';

const textOf = (content: unknown): string =>
	typeof content === 'string'
		? content
		: Array.isArray(content)
			? content.map((part: { text?: string }) => part?.text ?? '').join('')
			: JSON.stringify(content ?? '');

type Answer = { content: string | null; toolCall?: { id: string; name: string; arguments: string } };

function answerFor(request: ChatRequest, callNumber: number): Answer {
	const messages = request.messages ?? [];
	const toolMessage = [...messages].reverse().find((m) => m.role === 'tool');
	if (toolMessage) return { content: FINAL_ANSWER_PREFIX + textOf(toolMessage.content) };
	const user = [...messages].reverse().find((m) => m.role === 'user' || m.role === 'human');
	let script: { tool?: string; args?: Record<string, unknown> } = {};
	try {
		script = JSON.parse(textOf(user?.content)) as typeof script;
	} catch {
		return { content: 'The stand-in model expects a JSON prompt {"tool", "args"}.' };
	}
	if (!script.tool) return { content: 'No tool asked for.' };
	return { content: null, toolCall: { id: `call_standin_${callNumber}`, name: script.tool, arguments: JSON.stringify(script.args ?? {}) } };
}

function completion(request: ChatRequest, answer: Answer, callNumber: number): Record<string, unknown> {
	const message: Record<string, unknown> = { role: 'assistant', content: answer.content };
	if (answer.toolCall) {
		const { id, name, arguments: args } = answer.toolCall;
		message.tool_calls = [{ id, type: 'function', function: { name, arguments: args } }];
	}
	return {
		id: `chatcmpl-standin-${callNumber}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: request.model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: answer.toolCall ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as server-sent chunks (when the agent streams). */
function chunks(request: ChatRequest, answer: Answer, callNumber: number): string {
	const base = { id: `chatcmpl-standin-${callNumber}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model };
	const delta: Record<string, unknown> = { role: 'assistant', content: answer.content ?? '' };
	if (answer.toolCall) {
		const { id, name, arguments: args } = answer.toolCall;
		delta.tool_calls = [{ index: 0, id, type: 'function', function: { name, arguments: args } }];
	}
	const events = [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason: answer.toolCall ? 'tool_calls' : 'stop' }] },
		{ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } },
	];
	return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n';
}

export class ModelStandIn {
	readonly requests: ChatRequest[] = [];
	private server?: http.Server;
	private port = 0;

	/** The base URL for n8n's OpenAI credential (field "Base URL"). */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}/v1`;
	}

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
					res.setHeader('content-type', 'application/json');
					res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'stand-in' }] }));
					return;
				}
				if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
					res.statusCode = 404;
					res.end(JSON.stringify({ error: { message: `stand-in: no ${req.method} ${req.url}` } }));
					return;
				}
				const request = JSON.parse(body) as ChatRequest;
				this.requests.push(request);
				const callNumber = this.requests.length;
				const answer = answerFor(request, callNumber);
				if (request.stream) {
					res.setHeader('content-type', 'text/event-stream');
					res.end(chunks(request, answer, callNumber));
					return;
				}
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify(completion(request, answer, callNumber)));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as { port: number }).port;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}
