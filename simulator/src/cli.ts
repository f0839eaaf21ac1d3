#!/usr/bin/env node
// The `esms-voice-simulator` command: run the eSMS simulator standalone, e.g. to point a local n8n at it.
import { EsmsSimulator, SUMMARY_PATH } from './server';
import type { SimulatorOptions } from './types';

const USAGE = `usage: esms-voice-simulator [--port N] [--delay MS] [--intermediate] [--rate N] [--no-send-status] [--not-found-for MS] [--api-key K] [--secret-key K]

  --port N            port on 127.0.0.1 (default 8797, or env ESMS_SIM_PORT)
  --delay MS          time from an accepted call to its result (default 200)
  --intermediate      send SendStatus=2 and SendStatus=7 callbacks before the final one
  --rate N            the account's requests per second; above it eSMS answers 160 (default 0 = no limit)
  --no-send-status    callbacks without SendStatus, as eSMS's 2023 callback page describes them
  --not-found-for MS  GetSendStatus answers 105 (not found) for a call younger than MS (default 0)
  --api-key K         ApiKey to accept (default SIM-API-KEY-0001)
  --secret-key K      SecretKey to accept (default SIM-SECRET-KEY-0001)
  --help              this text`;

function parseArgs(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = { quiet: false, outcomeByLastDigit: true, port: 8797 };
	const env = process.env.ESMS_SIM_PORT;
	if (env !== undefined && env !== '') options.port = toInteger('ESMS_SIM_PORT', env);
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = (): string => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port':
				options.port = toInteger(flag, value());
				break;
			case '--delay':
				options.callDelayMs = toInteger(flag, value());
				break;
			case '--intermediate':
				options.intermediateCallbacks = true;
				break;
			case '--rate':
				options.rateLimitPerSecond = toInteger(flag, value());
				break;
			case '--no-send-status':
				options.omitSendStatus = true;
				break;
			case '--not-found-for':
				options.notFoundForMs = toInteger(flag, value());
				break;
			case '--api-key':
				options.apiKey = value();
				break;
			case '--secret-key':
				options.secretKey = value();
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option: ${flag}`);
		}
	}
	return options;
}

function toInteger(name: string, text: string): number {
	if (!/^\d+$/.test(text)) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
	return Number(text);
}

async function main(): Promise<void> {
	let options: SimulatorOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
		process.exit(2);
	}
	const simulator = new EsmsSimulator(options);
	await simulator.start();
	const o = simulator.options;
	// These are the simulator's own test keys; showing them is how a user knows what to enter.
	console.log(`eSMS simulator listening on ${simulator.url}
In n8n's eSMS API credential, turn on Use Custom Base URLs and enter:
  Voice Base URL: ${simulator.voiceBaseUrl}
  REST Base URL:  ${simulator.restBaseUrl}
  ApiKey:         ${o.apiKey}
  SecretKey:      ${o.secretKey}
  recordings (MakeCallRecord_V2 TemplateId):  ${o.recordings.join(', ')}
  templates (MakeCallTemplate_V2 TemplateId): ${o.templates.join(', ')}
  call result after ${o.callDelayMs} ms${o.intermediateCallbacks ? ', with SendStatus 2 and 7 callbacks first' : ''}
  rate limit: ${o.rateLimitPerSecond > 0 ? `${o.rateLimitPerSecond} requests/s (code 160 above it)` : 'none'}
  outcome by the phone's last digit: 0 = no answer, 2 = answered + key 2, 9 = failed, other = answered + key 1${o.notFoundForMs > 0 ? `\n  GetSendStatus: 105 (not found) for calls younger than ${o.notFoundForMs} ms` : ''}
  what it sent so far: GET ${simulator.url}${SUMMARY_PATH}
Press Ctrl-C to stop.`);

	let stopping = false;
	const shutdown = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the simulator`);
		simulator.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(`eSMS simulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
