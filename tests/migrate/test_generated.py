"""Generated bases migrate with every cell accounted for, and a re-run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadgen.airtable.generate import write_generated
from leadgen.migrate import migrate_snapshot
from support.snapshots import count_cells, digest, dump
from support.tenants import new_tenant


# Small bases (every rule on few rows) up to ≈ 21,000 records; the bench's 231,061-record base
# is checked the same way by hand (docs/benchmarks.md, Migrate).
@pytest.mark.parametrize(("companies", "seed"), [(20, 1), (20, 2), (100, 3), (1000, 4)])
async def test_generated_base_is_fully_accounted_for(
    database_url: str, tmp_path: Path, companies: int, seed: int
) -> None:
    snap = tmp_path / "snap"
    write_generated(snap, companies=companies, seed=seed)
    slug, tenant_id = await new_tenant(database_url)
    report_path = tmp_path / "report.json"

    report = await migrate_snapshot(database_url, snap, slug, report_path=report_path)

    records, cells = count_cells(snap)  # independent of the migration's own reading
    data = json.loads(report_path.read_text("utf-8"))
    assert data["unaccounted"] == 0
    assert data["cells"]["non_empty"] == cells
    c = data["cells"]
    assert c["loaded"] + c["derived"] + c["dropped"] + c["rejected"] == cells
    assert sum(t["records"] for t in data["tables"].values()) == records
    assert c["loaded"] > cells // 2
    assert report.exit_code(max_rejects=len(report.rejects)) == 0
    # every rejected cell is listed with its raw value and reason
    listed = {(r["table"], r["record_id"], r["field"]) for r in data["rejects"]
              if r["field"] is not None}
    assert len(listed) >= c["rejected"]
    # the archive holds every record; each table's loaded rows are in the database
    rows = await dump(database_url, tenant_id, ["airtable_records", "companies", "contacts",
                                                "messages"])
    assert len(rows["airtable_records"]) == records
    assert len(rows["companies"]) == data["tables"]["Companies"]["loaded"]
    assert len(rows["contacts"]) == data["tables"]["Contacts"]["loaded"]
    assert len(rows["messages"]) == data["tables"]["Messages"]["loaded"]
    # the run and its rejects are recorded in the database too
    assert report.run_id


async def test_rerun_of_the_same_snapshot_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    snap = tmp_path / "snap"
    write_generated(snap, companies=40, seed=11)
    slug, tenant_id = await new_tenant(database_url)
    await migrate_snapshot(database_url, snap, slug)
    before = digest(await dump(database_url, tenant_id))

    again = await migrate_snapshot(database_url, snap, slug)

    assert digest(await dump(database_url, tenant_id)) == before
    assert all(n == 0 for counts in again.changed_rows.values() for n in counts.values())
