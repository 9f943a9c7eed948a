"""The API package's `__init__` exports `create_app` without importing the app as a side effect."""

from __future__ import annotations

import subprocess
import sys

import pytest

import leadgen.api


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    return set(out.stdout.split())


def test_importing_the_serve_command_does_not_build_the_app() -> None:
    loaded = _loaded_after("import leadgen.api.commands")
    assert "leadgen.api.commands" in loaded
    assert not {"leadgen.api.app", "leadgen.api.routes", "fastapi"} & loaded


def test_create_app_is_still_exported() -> None:
    from leadgen.api import create_app
    from leadgen.api.app import create_app as defined

    assert create_app is defined and leadgen.api.create_app is defined
    assert "create_app" in leadgen.api.__all__
    with pytest.raises(AttributeError, match="no attribute 'create_ap'"):
        _ = leadgen.api.create_ap  # type: ignore[attr-defined]
