#!/usr/bin/env bash
# Every check, in the order a failure is cheapest to read: lint, types, then the test suite
# against a real PostgreSQL (a server on 127.0.0.1:5432 if one answers, else the embedded one)
# and a real Chromium for the dashboard. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

# The dashboard tests drive Debian's Chromium; install it where we may (CI runs as root).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
    >/dev/null 2>&1 || echo "warning: could not install chromium; browser tests will skip" >&2
fi

echo "== ruff"
.venv/bin/ruff check src tests bench
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
exec .venv/bin/pytest "$@"
