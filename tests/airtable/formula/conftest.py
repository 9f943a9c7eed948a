"""Fixtures for the formula tests (data lives in formula_data.py, importable by name)."""

from __future__ import annotations

from typing import Any

import pytest
from formula_data import load_tables


@pytest.fixture(scope="session")
def tables() -> dict[str, dict[str, Any]]:
    """The customer's 10 tables by name, from the metadata-API schema."""
    return load_tables()
