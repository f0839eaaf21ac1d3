#!/usr/bin/env bash
# Makes sure the browser e2e (e2e/browser.e2e.test.ts) and scripts/screenshots.ts have a Chromium:
# Debian's `chromium` package at /usr/bin/chromium (or the one named by CHROMIUM_PATH). playwright-core
# drives it; no browser is downloaded from elsewhere. Installs it with apt-get when missing and running
# as root (CI); otherwise fails with what to do.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
	exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
	echo "[ensure-chromium] CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "[ensure-chromium] $chromium not found. Install Debian's chromium (sudo apt-get install -y chromium)" >&2
	echo "[ensure-chromium] or point CHROMIUM_PATH at a Chromium/Chrome binary." >&2
	exit 1
fi
echo "[ensure-chromium] $chromium not found: apt-get install -y chromium"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y --no-install-recommends chromium
fi
if [ ! -x "$chromium" ]; then
	echo "[ensure-chromium] apt-get install chromium did not provide $chromium" >&2
	exit 1
fi
echo "[ensure-chromium] installed: $("$chromium" --version 2>/dev/null || echo "$chromium")"
