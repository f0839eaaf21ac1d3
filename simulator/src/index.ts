// The eSMS simulator's public surface: import from here, not from the modules behind it.
export { EsmsSimulator, SUMMARY_PATH } from './server';
export { DEFAULT_API_KEY, DEFAULT_SECRET_KEY, outcomeForLastDigit } from './options';
export { CALLER_ID } from './callbacks';
export { ECHO_CODE } from './faults';
export type {
	CallbackAttempt,
	CallbackStyle,
	EffectiveOptions,
	Endpoint,
	FaultKind,
	FaultSpec,
	RecordedRequest,
	ResolvedOutcome,
	ScriptedOutcome,
	SimulatedCall,
	SimulatorOptions,
	SimulatorSummary,
} from './types';
