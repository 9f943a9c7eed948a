"""Table files are atomic and de-duplicated; the manifest decides what a re-run may skip."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from leadgen.airtable.export.checkpoint import Checkpoint, TableWriter, remove_stale_temp_files
from leadgen.airtable.export.retrying import RetryPolicy
from leadgen.airtable.snapshot import encode_records, file_sha256
from leadgen.errors import ConfigError


def rec(i: int) -> dict[str, object]:
    return {"id": f"rec{i:014d}", "createdTime": "2024-01-01T00:00:00.000Z", "fields": {"f": i}}


def test_writer_dedupes_restarted_scans_and_matches_write_records(tmp_path: Path) -> None:
    records = [rec(i) for i in range(250)]
    with TableWriter(tmp_path, "tblA") as writer:
        writer.add(records[:100])
        writer.add(records[100:200])
        # iterator expired: the scan starts again from page 1
        assert writer.add(records[:100]) == 0
        assert writer.add(records[100:200]) == 0
        assert writer.add(records[200:]) == 50
        assert not writer.path.exists()  # nothing visible before commit
        count, sha = writer.commit()
    data, expected_count = encode_records(records)
    assert (count, writer.duplicates) == (expected_count, 200)
    assert writer.path.read_bytes() == data
    assert sha == file_sha256(writer.path)
    assert list((tmp_path / "records").glob(".*.tmp")) == []


def test_failed_table_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), TableWriter(tmp_path, "tblA") as writer:
        writer.add([rec(1)])
        raise RuntimeError("network gone")
    assert list((tmp_path / "records").iterdir()) == []


def test_empty_table_is_an_empty_file(tmp_path: Path) -> None:
    with TableWriter(tmp_path, "tblE") as writer:
        count, _ = writer.commit()
    assert count == 0 and writer.path.read_bytes() == b""


SCHEMA = {
    "tables": [
        {"id": "tblA", "name": "A", "fields": [{"id": "fld1", "name": "x", "type": "number"}]},
        {"id": "tblB", "name": "B", "fields": [{"id": "fld2", "name": "y", "type": "number"}]},
    ]
}


def finish_a(root: Path) -> None:
    cp = Checkpoint(root, "appX")
    cp.start(base_name="n", schema=SCHEMA, finished=set(), started_at="t")
    with TableWriter(root, "tblA") as writer:
        writer.add([rec(1), rec(2)])
        count, sha = writer.commit()
    cp.finish_table("tblA", count=count, sha256=sha)
    assert cp.finish(exported_at="t2") is False  # tblB still open


def test_finished_table_is_kept_open_one_is_not(tmp_path: Path) -> None:
    finish_a(tmp_path)
    cp = Checkpoint(tmp_path, "appX")
    tables = SCHEMA["tables"]
    assert [cp.is_finished(t) for t in tables] == [True, False]
    assert cp.previous_count("tblA") == 2
    assert cp.previous["complete"] is False


def test_damaged_file_or_changed_schema_means_read_again(tmp_path: Path) -> None:
    finish_a(tmp_path)
    changed = {**SCHEMA["tables"][0], "fields": [{"id": "fld9", "name": "z", "type": "number"}]}
    assert Checkpoint(tmp_path, "appX").is_finished(changed) is False
    (tmp_path / "records" / "tblA.jsonl").write_text("torn", "utf-8")
    assert Checkpoint(tmp_path, "appX").is_finished(SCHEMA["tables"][0]) is False


def test_folder_of_another_base_is_refused(tmp_path: Path) -> None:
    finish_a(tmp_path)
    with pytest.raises(ConfigError, match="holds a snapshot of base appX"):
        Checkpoint(tmp_path, "appOther")


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / ".tblA.jsonl.abc.tmp").write_text("x")
    (tmp_path / ".manifest.json.abc.tmp").write_text("x")
    assert remove_stale_temp_files(tmp_path) == 2


def test_backoff_is_bounded_and_grows() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=30.0)
    rng = random.Random(1)
    waits = [policy.backoff(n, rng) for n in range(1, 12)]
    assert all(0.25 <= w <= 30.0 for w in waits)
    assert waits[0] <= 0.5 and waits[-1] >= 15.0
