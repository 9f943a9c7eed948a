"""The deployment files keep the promises `./dev test-containers` checks on a running stack,
read statically so every `./dev test` guards them: official base images by default, a
non-root image built from the runtime lock, nothing but the API's port published (on
127.0.0.1, for the TLS proxy), a bounded restart policy for the API, no Airtable token in the
API's environment, and no .env in the build context.

Compose's file format: https://docs.docker.com/reference/compose-file/ (interpolation:
https://docs.docker.com/reference/compose-file/interpolation/)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# ${NAME}, ${NAME:-default}, ${NAME:?message} (and the forms without the colon)
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation, enough for compose.yaml: a missing required variable raises."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name)
        if op in (":?", "?") and not value:
            raise KeyError(f"required variable {name} is missing: {arg}")
        if op in (":-", "-") and not value:
            return str(arg)
        return value or ""

    return VARIABLE.sub(one, text.replace("$$", "\0")).replace("\0", "$")


def example_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    text = interpolate((ROOT / "compose.yaml").read_text(), example_env())
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def test_example_env_satisfies_every_required_variable_and_a_missing_one_is_named() -> None:
    text = (ROOT / "compose.yaml").read_text()
    required = {m["name"] for m in VARIABLE.finditer(text) if m["op"] in (":?", "?")}
    assert required == {"POSTGRES_PASSWORD", "APP_ROLE_PASSWORD", "ADMIN_ROLE_PASSWORD"}
    interpolate(text, example_env())  # no KeyError: the example sets all of them
    for name in required:
        env = {k: v for k, v in example_env().items() if k != name}
        with pytest.raises(KeyError, match=name):
            interpolate(text, env)


def test_base_images_default_to_the_official_ones(compose: dict[str, Any]) -> None:
    assert compose["services"]["db"]["image"] == "postgres:15"
    assert compose["services"]["api"]["build"]["args"]["PYTHON_IMAGE"] == "python:3.11-slim"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}$", dockerfile, re.M)


def test_image_is_non_root_and_installs_only_the_hash_checked_runtime_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    installs = re.findall(r"pip install ([^\n\\&]+)", dockerfile)
    assert "--require-hashes -r requirements.txt" in installs[0]
    assert all("requirements-dev" not in i and "[dev]" not in i for i in installs)


def test_only_the_api_port_is_published_on_localhost(compose: dict[str, Any]) -> None:
    published = {name: s.get("ports", []) for name, s in compose["services"].items()}
    assert published.pop("api") == ["127.0.0.1:8000:8000"]
    assert all(not ports for ports in published.values()), published


def test_api_restarts_a_bounded_number_of_times(compose: dict[str, Any]) -> None:
    policy = str(compose["services"]["api"]["restart"])
    assert re.fullmatch(r"on-failure:[1-9]\d?", policy), policy


def test_api_gets_no_airtable_token_and_no_env_file(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert "env_file" not in api
    assert not any("AIRTABLE" in name for name in api["environment"])
    assert set(api["environment"]) >= {"DATABASE_URL", "APP_DATABASE_URL", "ADMIN_DATABASE_URL"}


def test_build_context_keeps_env_files_and_development_leftovers_out() -> None:
    rules = [line for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line and not line.startswith("#")]
    assert rules[0] == "*"  # an allow-list: only what follows with ! is sent to the builder
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    assert allowed == {"requirements.txt", "pyproject.toml", "README.md", "src"}
    assert "**/.env" in rules


def test_one_off_service_uses_the_built_image_and_never_pulls(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["leadgen"]["image"] == services["api"]["image"]
    assert services["leadgen"]["pull_policy"] == "never"
    assert services["leadgen"]["entrypoint"] == ["leadgen"]
