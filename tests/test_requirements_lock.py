"""The lock files cover pyproject.toml: ./dev, CI and the Dockerfile install only what
requirements-dev.txt / requirements.txt pin (pip's hash-checking mode,
https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode), so a dependency added
to pyproject.toml without `./dev lock` would otherwise surface only as an ImportError later."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEST_TOOLING = ("pytest", "mypy", "ruff", "hypothesis", "schemathesis", "playwright", "pip-tools")


def pins(lock: str) -> dict[str, tuple[Version, int]]:
    """name → (pinned version, number of hashes) for every requirement line of a lock file."""
    logical = (ROOT / lock).read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, tuple[Version, int]] = {}
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *options = line.split(" --hash=")
        req = Requirement(spec.strip())
        (pinned,) = req.specifier
        assert pinned.operator == "==", f"{lock}: {spec!r} is not pinned with =="
        found[canonicalize_name(req.name)] = (Version(pinned.version), len(options))
    return found


def wanted(extra: str | None) -> list[Requirement]:
    """pyproject's requirements for this environment: build backend, dependencies, an extra,
    and what each requested extra of a dependency adds (uvicorn[standard] → uvloop, …)."""
    reqs = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    reqs += [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    if extra:
        reqs += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]]
    reqs = [r for r in reqs if r.marker is None or r.marker.evaluate()]
    for req in list(reqs):
        for extra_name in req.extras:
            for line in metadata.requires(req.name) or []:
                sub = Requirement(line)
                marker, env = sub.marker, {"extra": extra_name}
                if marker is not None and "extra" in str(marker) and marker.evaluate(env):
                    reqs.append(sub)
    return reqs


@pytest.mark.parametrize(("lock", "extra"), [("requirements.txt", None),
                                             ("requirements-dev.txt", "dev")])
def test_lock_pins_every_requirement_within_its_range(lock: str, extra: str | None) -> None:
    locked = pins(lock)
    for req in wanted(extra):
        name = canonicalize_name(req.name)
        assert name in locked, f"{lock} does not pin {req}: run ./dev lock"
        version, hashes = locked[name]
        assert req.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside pyproject's {req}: run ./dev lock")
        assert hashes > 0, f"{lock}: {name} has no --hash"


def test_every_pin_has_a_hash_and_the_two_locks_agree() -> None:
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert all(hashes > 0 for _, hashes in [*runtime.values(), *dev.values()])
    differ = {n: (v, dev[n][0]) for n, (v, _) in runtime.items() if n in dev and dev[n][0] != v}
    assert differ == {}, f"the dev lock pins other versions than the runtime lock: {differ}"
    assert set(runtime) <= set(dev), f"missing from the dev lock: {set(runtime) - set(dev)}"


def test_runtime_lock_carries_no_test_tooling() -> None:
    runtime = pins("requirements.txt")
    assert [t for t in TEST_TOOLING if t in runtime] == []


def installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def test_installed_versions_are_the_locked_ones() -> None:
    """What ./dev built is what the dev lock says (a venv from `pip install -e .` would not be)."""
    dev = pins("requirements-dev.txt")
    off = {n: (str(v), installed(n)) for n, (v, _) in dev.items() if installed(n) != str(v)}
    assert off == {}, f"installed ≠ locked (name: (locked, installed)); rerun ./dev: {off}"
