"""Fixtures for the emulator tests: the hand-written snapshot and a running emulator over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from emulator_snapshot import TOKEN, Names, base_schema, write_fixture_snapshot
from pyairtable import Api

from leadgen.airtable.emulator import Emulator, run_emulator
from leadgen.airtable.snapshot import Snapshot


@pytest.fixture(scope="session")
def names() -> Names:
    return Names(base_schema())


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory, names: Names) -> Path:
    return write_fixture_snapshot(tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="session")
def snapshot(snapshot_dir: Path) -> Snapshot:
    return Snapshot.open(snapshot_dir)


@pytest.fixture
def emulator(snapshot_dir: Path) -> Iterator[Emulator]:
    """An emulator without a rate limit, so functional tests may fire freely."""
    with run_emulator(snapshot_dir, token=TOKEN, rate_limit=0, seed=1) as emu:
        yield emu


@pytest.fixture
def api(emulator: Emulator) -> Api:
    return Api(emulator.token, endpoint_url=emulator.url, timeout=(5, 30))
