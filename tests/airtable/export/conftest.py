"""Fixtures for export tests: a generated base served by the emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_helpers import COMPANIES, TEST_PENALTY, TEST_RATE

from leadgen.airtable.emulator import Emulator, run_emulator
from leadgen.airtable.generate import write_generated


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("source") / "snapshot"
    write_generated(out, companies=COMPANIES, seed=7)
    return out


@pytest.fixture
def emulator(source_snapshot: Path) -> Iterator[Emulator]:
    with run_emulator(
        source_snapshot, rate_limit=TEST_RATE, penalty_seconds=TEST_PENALTY, seed=1
    ) as emu:
        yield emu
