#!/usr/bin/env bash
# The n8n tier (README, "optional third command"): the converted workflows imported into and
# run by a real n8n 2.41.1 against a tenant migrated from a generated base.
#
# The first run installs n8n and Node 24 into ${LEADGEN_CACHE:-~/.cache/leadgen}/n8n-2.41.1
# (scripts/n8n-install.sh, about 8 minutes and 3 GB); later runs reuse it. Extra arguments go
# to pytest. Exit codes: pytest's, or 2 when the npm registry cannot be reached for the install.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

home="$(bash scripts/n8n-install.sh)"
export LEADGEN_N8N_HOME="$home"
exec .venv/bin/pytest tests/n8n_live -q -p no:cacheprovider "$@"
