"""Fixtures for the generator tests: one ~200-company base shared by the whole folder."""

from __future__ import annotations

import pytest

from leadgen.airtable.generate import GeneratedBase, generate_base


@pytest.fixture(scope="session")
def base200() -> GeneratedBase:
    return generate_base(200, seed=7)
