"""Written snapshots: byte-identical per seed, readable by `Snapshot`, linear in size."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadgen.airtable.generate import generate_base, write_generated
from leadgen.airtable.snapshot import Snapshot
from leadgen.errors import ConfigError


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    write_generated(tmp_path / "a", companies=60, seed=3)
    write_generated(tmp_path / "b", companies=60, seed=3)
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert len(a) == 12 and a == b


def test_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    """No set/dict-hash order leaks into the output: PYTHONHASHSEED must not matter."""
    script = (
        "import sys; from leadgen.airtable.generate import write_generated;"
        "write_generated(sys.argv[1], companies=15, seed=11)"
    )
    for name, hash_seed in (("a", "1"), ("b", "987")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True, env=env)
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_different_seeds_differ(tmp_path: Path) -> None:
    write_generated(tmp_path / "a", companies=60, seed=3)
    write_generated(tmp_path / "b", companies=60, seed=4)
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert a["schema.json"] == b["schema.json"]
    differing = [k for k in a if k.startswith("records/") and a[k] != b[k]]
    assert len(differing) == 10


def test_snapshot_is_readable_and_manifest_is_right(tmp_path: Path) -> None:
    base = write_generated(tmp_path / "s", companies=30, seed=1, base_id="appTestBase000001")
    snap = Snapshot.open(tmp_path / "s")
    assert snap.complete and snap.base_id == "appTestBase000001"
    assert snap.schema == base.schema
    for table in snap.tables:
        entry = snap.manifest["tables"][table["id"]]
        path = snap.records_path(table["id"])
        assert entry["name"] == table["name"]
        assert entry["records"] == len(snap.records(table["id"])) == len(base.records[table["id"]])
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    first = snap.records(snap.tables[0]["id"])[0]
    assert first == base.records[snap.tables[0]["id"]][0]


def test_record_counts_scale_linearly() -> None:
    small, large = generate_base(50, seed=5).counts(), generate_base(100, seed=5).counts()
    # Big tables sit close to 2x; small ones (≈1 row per company) carry sampling noise.
    for name in ("Companies", "Contacts", "Messages"):
        assert 1.8 < large[name] / small[name] < 2.2, (name, small[name], large[name])
    for name in ("Activity", "research_directory", "audit_log", "Tasks", "CRM Events"):
        assert 1.4 < large[name] / small[name] < 2.8, (name, small[name], large[name])
    assert 3.3 < large["Contacts"] / large["Companies"] < 4.8
    messages_per_contact = large["Messages"] / large["Contacts"]
    assert 2.0 < messages_per_contact < 3.0
    assert 2 <= large["Owners"] <= 6 and 3 <= large["Campaigns"] <= 12


def test_overwriting_a_snapshot_is_allowed(tmp_path: Path) -> None:
    write_generated(tmp_path, companies=20, seed=1)
    (tmp_path / "records" / "tblStaleOld000001.jsonl").write_text("{}\n")
    write_generated(tmp_path, companies=25, seed=2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert not (tmp_path / "records" / "tblStaleOld000001.jsonl").exists()


def test_refuses_a_non_snapshot_directory(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(ConfigError) as err:
        write_generated(tmp_path, companies=5)
    assert err.value.hint and (tmp_path / "thesis.docx").read_text() == "precious"


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        generate_base(0)
    with pytest.raises(ConfigError, match="base ID"):
        generate_base(5, base_id="appShort")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        write_generated(blocker, companies=5)
