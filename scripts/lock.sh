#!/usr/bin/env bash
# Refresh the two lock files from pyproject.toml with pip-tools' pip-compile
# (https://pip-tools.readthedocs.io/en/stable/): every package pinned to one version with the
# sha256 of each of its files on PyPI, so `pip install --require-hashes` installs exactly these.
#   requirements.txt      the runtime closure of [project.dependencies] (the Docker image)
#   requirements-dev.txt  that plus the `dev` extra (./dev, CI), constrained to the same pins
# Both carry setuptools, the build backend, so the project itself is installed with
# --no-build-isolation from a hash-checked backend rather than whatever the index serves then.
# pip-compile keeps existing pins that still fit; `./dev lock --upgrade` moves all to the newest,
# `./dev lock --upgrade-package NAME` moves one. Extra arguments go to both pip-compile runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Resolve against PyPI alone: a machine's pip.conf may add a local index or find-links
# directory whose files PyPI does not have, and their hashes would then be locked in.
export PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="./dev lock"
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_INDEX_URL PIP_CONSTRAINT
compile=(.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps
  --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host)
"${compile[@]}" "$@" --output-file requirements.txt pyproject.toml
"${compile[@]}" "$@" --extra dev --constraint requirements.txt \
  --output-file requirements-dev.txt pyproject.toml
echo "requirements.txt and requirements-dev.txt refreshed; ./dev reinstalls .venv on next use" >&2
