"""The transform in a forked process: same result as on a thread, and every way it can end
(an exception, a death, the load failing first) ends the run cleanly with nothing kept."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import leadgen.migrate.run as run_module
from leadgen.airtable.generate import write_generated
from leadgen.db.connect import admin_transaction
from leadgen.errors import ConfigError, LeadgenError
from leadgen.migrate import migrate_snapshot
from leadgen.migrate.load.stager import Stager
from leadgen.migrate.transform import process as transform_process
from leadgen.migrate.transform.snapshot_rows import Transformer
from support.snapshots import canonical, dump, record_ids, tamper_first_row
from support.tenants import new_tenant

pytestmark = pytest.mark.skipif(not transform_process.available(), reason="needs os.fork")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("child") / "snap"
    write_generated(root, companies=40, seed=9)
    return root


def _then(after: int, action: Any) -> Any:
    """A Transformer.run that yields `after` chunks, then calls `action()`."""
    real_run = Transformer.run

    def run(self: Transformer, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, chunk in enumerate(real_run(self, *args, **kwargs)):
            if n == after:
                action()
            yield chunk

    return run


async def _empty(url: str, tenant_id: Any) -> bool:
    return all(rows == [] for rows in (await dump(url, tenant_id)).values())


async def test_the_child_process_loads_what_the_thread_loads(
    database_url: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked_slug, forked_id = await new_tenant(database_url, "forked")
    forked = await migrate_snapshot(database_url, base, forked_slug)
    monkeypatch.setattr(transform_process, "available", lambda: False)
    thread_slug, thread_id = await new_tenant(database_url, "thread")
    threaded = await migrate_snapshot(database_url, base, thread_slug)

    known = record_ids(base)
    assert await canonical(database_url, forked_id, known) == await canonical(
        database_url, thread_id, known)
    assert forked.cells == threaded.cells and forked.unaccounted == 0
    assert forked.tables == threaded.tables and forked.findings == threaded.findings
    assert len(forked.rejects) == len(threaded.rejects)
    # the child writes the COPY stream itself (copy_binary.py), the thread's rows go through
    # asyncpg: the archive and the rejects are the same bytes too
    assert await _archive_and_rejects(database_url, forked_id) == await _archive_and_rejects(
        database_url, thread_id)


async def _archive_and_rejects(url: str, tenant_id: Any) -> tuple[list[Any], list[Any]]:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            archive = await conn.fetch(
                "SELECT base_id, table_id, record_id, created_time, fields::text, raw, "
                "fields_sha256 FROM airtable_records WHERE tenant_id = $1 ORDER BY record_id",
                tenant_id)
            rejects = await conn.fetch(
                "SELECT seq, table_name, record_id, field_name, value::text, reason "
                "FROM migration_rejects WHERE tenant_id = $1 ORDER BY seq", tenant_id)
        return [tuple(r) for r in archive], [tuple(r) for r in rejects]
    finally:
        await conn.close()


async def test_an_error_in_the_child_arrives_with_its_message_and_hint(
    database_url: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail() -> None:
        raise ConfigError("records file damaged at line 7", hint="re-run the export")

    monkeypatch.setattr(Transformer, "run", _then(3, fail))
    slug, tenant_id = await new_tenant(database_url, "childerr")
    with pytest.raises(ConfigError) as caught:
        await migrate_snapshot(database_url, base, slug)
    assert caught.value.message == "records file damaged at line 7"
    assert caught.value.hint == "re-run the export" and caught.value.exit_code == 2
    assert await _empty(database_url, tenant_id)


async def test_a_child_that_dies_is_reported_and_nothing_is_kept(
    database_url: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Transformer, "run",
                        _then(3, lambda: os.kill(os.getpid(), signal.SIGKILL)))
    slug, tenant_id = await new_tenant(database_url, "childdies")
    with pytest.raises(LeadgenError, match="transform process ended without finishing"):
        await migrate_snapshot(database_url, base, slug)
    assert await _empty(database_url, tenant_id)


async def test_a_load_that_fails_first_stops_and_reaps_the_child(
    database_url: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[transform_process.TransformProcess] = []

    class Recorded(transform_process.TransformProcess):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            started.append(self)

    real_copy = Stager.copy
    calls = 0

    async def copy(self: Stager, table: str, rows: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the database went away")
        await real_copy(self, table, rows)

    monkeypatch.setattr(transform_process, "TransformProcess", Recorded)
    monkeypatch.setattr(Stager, "copy", copy)
    slug, tenant_id = await new_tenant(database_url, "loadfails")
    with pytest.raises(RuntimeError, match="went away"):
        await migrate_snapshot(database_url, base, slug)
    assert started and started[0].pid
    with pytest.raises(ProcessLookupError):  # killed and waited for: no process, no zombie
        os.kill(started[0].pid, 0)
    assert await _empty(database_url, tenant_id)
    assert run_module.transform_process.TransformProcess is Recorded  # the patch was used


async def test_progress_counts_the_child_s_records_up_to_the_total(
    database_url: str, base: Path
) -> None:
    """The terminal's progress bars: records transformed (counted in the child) rise to the
    snapshot's total, then the apply phase runs from 0 to 1."""
    calls: list[tuple[str, int, int]] = []
    slug, _ = await new_tenant(database_url, "progress")
    report = await migrate_snapshot(database_url, base, slug,
                                    progress=lambda *call: calls.append(call))
    records = [(done, total) for phase, done, total in calls if phase == "records"]
    assert records and all(total == report.records for _, total in records)
    counts = [done for done, _ in records]
    assert counts == sorted(counts) and counts[-1] == report.records
    assert [(d, t) for p, d, t in calls if p == "apply"] == [(0, 1), (1, 1)]


async def test_a_row_copy_cannot_take_stops_the_run_with_a_clear_error(
    database_url: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transform bug that puts text where a uuid goes: the child's COPY writer refuses it
    by column, the error reaches the caller as such, and nothing is loaded."""
    tamper_first_row(monkeypatch, "companies", "owner_id", "not-a-uuid")
    slug, tenant_id = await new_tenant(database_url, "badrow")
    with pytest.raises(LeadgenError) as caught:
        await migrate_snapshot(database_url, base, slug)
    assert "row of companies that COPY cannot take" in caught.value.message
    assert "column owner_id ('not-a-uuid')" in caught.value.message
    assert "bug" in (caught.value.hint or "") and caught.value.exit_code == 1
    assert await _empty(database_url, tenant_id)
