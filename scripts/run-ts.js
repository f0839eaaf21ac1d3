// Runs a TypeScript entry point with no extra dependency: each .ts file is transpiled in memory
// by the project's own TypeScript (types are checked by `npm run typecheck`, not here).
// Usage: node scripts/run-ts.js path/to/file.ts [args...]
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

// Resolution tries extensions in insertion order: '.ts' must come before '.json', or
// `./EsmsVoice.node` would resolve to the codex file EsmsVoice.node.json.
const later = ['.json', '.node'].map((ext) => [ext, require.extensions[ext]]);
for (const [ext] of later) delete require.extensions[ext];

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			inlineSourceMap: true,
		},
	});
	module._compile(outputText, filename);
};
for (const [ext, loader] of later) require.extensions[ext] = loader;

const entry = process.argv[2];
if (!entry) {
	console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
	process.exit(2);
}
process.argv.splice(1, 2, path.resolve(entry));
require(path.resolve(entry));
