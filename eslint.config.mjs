// `npm run lint` is `n8n-node lint` (@n8n/node-cli): n8n's own ESLint config for community nodes with
// n8n Cloud support on (`config`, not `configWithoutCloudSupport`): @n8n/eslint-plugin-community-nodes
// recommended, eslint-plugin-n8n-nodes-base community/credentials/nodes, ESLint's, typescript-eslint's
// and import-x's recommended rules, no-console. This file adds only three things:
// 1. What is linted: `n8n-node lint` runs `eslint .`, and only nodes/, credentials/ and package.json
//    ship (the scanner's source scan reads the same). The tests, e2e, simulator, bench and scripts are
//    not node code: they use timers, Node modules and the console, which the Cloud rules forbid.
// 2. Every warning is an error: `n8n-node lint` fails on errors only, and the lint must see zero
//    findings (node-cli's config has ten rules at "warn").
// 3. Two eslint-plugin-n8n-nodes-base rules that node-cli (and the scanner) turn off stay on, as they
//    were here before: a secret credential field must be masked, and a Limit field has no maxValue
//    (cred-class-field-type-options-password-missing, node-param-type-options-max-value-present).
//    node-cli's other three offs stay off: they contradict the community rules ('main' instead of
//    NodeConnectionTypes.Main, a docs.n8n.io slug instead of a documentation URL).
// Because of 1 this file is not node-cli's template, so package.json has "n8n": { "strict": false }:
// strict mode only checks that this file is the template word for word; the rules are node-cli's.
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

const asError = (setting) =>
	setting === 'warn' || setting === 1 ? 'error' : Array.isArray(setting) ? [asError(setting[0]), ...setting.slice(1)] : setting;
const asErrors = (rules) => Object.fromEntries(Object.entries(rules).map(([name, setting]) => [name, asError(setting)]));

export default [
	globalIgnores(['*', '!nodes/', '!credentials/', '!package.json'], 'esms/only-what-ships'),
	...config.map((entry) => (entry.rules ? { ...entry, rules: asErrors(entry.rules) } : entry)),
	{
		name: 'esms/masked-secret-fields',
		files: ['credentials/**/*.ts'],
		rules: { 'n8n-nodes-base/cred-class-field-type-options-password-missing': 'error' },
	},
	{
		name: 'esms/no-limit-max-value',
		files: ['nodes/**/*.ts'],
		rules: { 'n8n-nodes-base/node-param-type-options-max-value-present': 'error' },
	},
];
