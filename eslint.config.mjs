// The lint rule sets of n8n's community-package scanner, all findings are errors (CI must see zero).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';

const asErrors = (rules) =>
	Object.fromEntries(
		Object.entries(rules).map(([name, setting]) => [
			name,
			Array.isArray(setting) ? ['error', ...setting.slice(1)] : setting === 'off' ? 'off' : 'error',
		]),
	);

// Three legacy rules contradict the community scanner's own rules, so both cannot pass:
// - inputs/outputs want the string 'main', while community-nodes/node-connection-type-literal
//   (and n8n's review) require NodeConnectionTypes.Main;
// - documentation-url-miscased wants a camelCase slug (main-repo only, per its own docs), while
//   community-nodes/credential-documentation-url accepts a full URL, which is what a community
//   package needs (a slug points into docs.n8n.io). The community rules stay on.
const SUPERSEDED = {
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
};

const legacy = (name, files) => ({
	files,
	plugins: { 'n8n-nodes-base': n8nNodesBase },
	rules: { ...asErrors(n8nNodesBase.configs[name].rules), ...SUPERSEDED },
});

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'simulator/**', 'test/**', 'e2e/**', 'bench/**', 'scripts/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{
		// The package.json rules of both plugins read the TypeScript parser's AST of the JSON.
		files: ['**/*.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		rules: asErrors(n8nCommunityNodesPlugin.configs.recommended.rules),
	},
	legacy('community', ['package.json']),
	legacy('credentials', ['credentials/**/*.ts']),
	legacy('nodes', ['nodes/**/*.ts']),
];
