#!/usr/bin/env bash
# Every benchmark, one after another (they share the machine, so never in parallel). Each one
# prints its figures and rewrites its own section of docs/benchmarks.md, with the machine, the
# command and a baseline measured in the same run. `./dev bench export` runs only bench_export.
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(export migrate sync api)
for name in "${names[@]}"; do
  echo "== bench_${name}"
  .venv/bin/python "bench/bench_${name}.py"
done
