"""Export over real HTTP, with the real pyairtable, against the emulator: exact, paced, robust."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from pathlib import Path

import requests
from export_helpers import TEST_PENALTY, TEST_RATE, fast_options, records_bytes

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.export import export_base
from leadgen.airtable.snapshot import Snapshot, file_sha256


def max_admitted_in_window(emu: Emulator, window: float = 1.0) -> int:
    hits = sorted(
        r.timestamp
        for r in emu.request_log
        if r.status not in (429, None) and r.path.startswith(f"/v0/{emu.base_id}")
    )
    best, start = 0, 0
    for end, t in enumerate(hits):
        while hits[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_export_writes_the_snapshot_exactly(
    emulator: Emulator, source_snapshot: Path, tmp_path: Path
) -> None:
    out = tmp_path / "snap"
    summary = export_base(
        emulator.base_id,
        out,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )
    source, exported = Snapshot.open(source_snapshot), Snapshot.open(out)
    assert exported.schema == source.schema  # the metadata body, verbatim
    for table in source.tables:  # same records in the same order (the emulator may order
        # the keys inside "fields" differently from the generator, so compare values)
        assert exported.records(table["id"]) == source.records(table["id"])
    manifest = exported.manifest
    assert manifest["complete"] is True and manifest["base_id"] == emulator.base_id
    assert manifest["base_name"] == source.manifest["base_name"]
    for table_id, entry in manifest["tables"].items():
        assert entry["complete"] is True
        assert entry["sha256"] == file_sha256(exported.records_path(table_id))
        assert entry["records"] == len(exported.records(table_id))
    # Paced under the limit with 4 tables read at once: not a single 429.
    assert summary.stats["rate_limited"] == 0
    assert not [r for r in emulator.request_log if r.status == 429]
    assert max_admitted_in_window(emulator) <= TEST_RATE
    lists = [r for r in emulator.request_log if "/meta/" not in r.path]
    assert lists and all(
        r.query.get("returnFieldsByFieldId") == ["1"]
        and r.query.get("cellFormat") == ["json"]
        and r.query.get("pageSize") == ["100"]
        for r in lists
    )
    # The token is never written to disk.
    for path in out.rglob("*"):
        if path.is_file():
            assert emulator.token.encode() not in path.read_bytes()
    assert summary.records_read == sum(e["records"] for e in manifest["tables"].values())


def test_faults_and_a_foreign_burst_yield_the_same_records(
    emulator: Emulator, tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    export_base(
        emulator.base_id,
        clean,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )

    emulator.clear_request_log()
    emulator.set_rate_limit(TEST_RATE, TEST_PENALTY)
    tables = len(Snapshot.open(clean).tables)
    # ≥ 10 % server errors, dropped connections, slow answers beyond our 1 s read timeout,
    # and as many expired iterators as there are tables.
    emulator.set_faults(f"5xx=0.12,drop=0.05,slow=0.03:1.5,expire_iterator={tables},seed=5")

    def another_client() -> None:
        """A script on the same base with no pacing: trips the limit for everybody."""
        time.sleep(0.6)
        first = Snapshot.open(clean).tables[0]["id"]
        with requests.Session() as session:  # closes its pooled connections
            session.headers["Authorization"] = f"Bearer {emulator.token}"
            for _ in range(int(TEST_RATE) * 2):
                with contextlib.suppress(requests.RequestException):  # the faults hit it too
                    session.get(f"{emulator.url}/v0/{emulator.base_id}/{first}?pageSize=1",
                                timeout=5)

    burst = threading.Thread(target=another_client)
    burst.start()
    faulty = tmp_path / "faulty"
    summary = export_base(
        emulator.base_id,
        faulty,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(max_restarts=tables),
        show_progress=False,
    )
    burst.join()

    assert records_bytes(faulty) == records_bytes(clean)
    assert Snapshot.open(faulty).manifest["complete"] is True
    # The faults really happened, and were survived rather than avoided.
    log = emulator.request_log
    ours = [r for r in log if r.query.get("pageSize") != ["1"]]
    assert sum(r.fault == "5xx" for r in ours) >= 2
    assert sum(r.fault == "drop" for r in ours) >= 1
    assert sum(r.status == 422 for r in ours) == tables
    assert summary.stats["iterator_restarts"] == tables
    assert summary.stats["rate_limited"] >= 1
    # After a 429 the whole base waits out the penalty: only requests already in flight
    # (at most one per worker thread) can meet the same penalty.
    penalised = [r for r in ours if r.status == 429]
    assert 1 <= len(penalised) <= 4
    first_429 = min(r.timestamp for r in penalised)
    resumed = [r.timestamp for r in ours if r.timestamp > first_429 and r.status != 429]
    assert min(resumed) - first_429 >= TEST_PENALTY - 0.3


def test_rerun_keeps_finished_tables_and_fresh_reads_them_again(
    emulator: Emulator, tmp_path: Path
) -> None:
    out = tmp_path / "snap"
    first = export_base(
        emulator.base_id,
        out,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )
    before = records_bytes(out)

    emulator.clear_request_log()
    again = export_base(
        emulator.base_id,
        out,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )
    assert {t.status for t in again.tables} == {"kept"}
    assert [r.path for r in emulator.request_log if "/meta/" not in r.path] == []
    assert again.complete and records_bytes(out) == before

    emulator.clear_request_log()
    fresh = export_base(
        emulator.base_id,
        out,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(fresh=True),
        show_progress=False,
    )
    assert {t.status for t in fresh.tables} == {"read"}
    assert fresh.records_read == first.records_read
    assert records_bytes(out) == before
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
