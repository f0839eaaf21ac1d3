// Copies what n8n reads beside the compiled files: node and credential icons (`file:` icons) and
// the codex files (`*.node.json`: category, search aliases, documentation links in the node panel).
const { src, dest, parallel } = require('gulp');

function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

function buildCodex() {
	return src(['nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
exports['build:codex'] = buildCodex;
exports['build:assets'] = parallel(buildIcons, buildCodex);
