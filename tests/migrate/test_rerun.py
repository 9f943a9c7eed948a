"""Re-runs converge: edits, new and deleted records bring the tenant exactly to the new state,
and migrating another tenant from another base never touches the first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadgen.airtable.generate import write_generated
from leadgen.airtable.snapshot import Snapshot, write_snapshot
from leadgen.migrate import migrate_snapshot
from support.snapshots import canonical, digest, dump, record_ids, table_id
from support.tenants import new_tenant


def edit_snapshot(src: Path, dst: Path) -> dict[str, int]:
    """Copy `src` with edits: change, add and delete records in several tables."""
    snap = Snapshot.open(src)
    records = {t["id"]: snap.records(t["id"]) for t in snap.tables}
    companies, contacts = table_id("Companies"), table_id("Contacts")
    messages, activities = table_id("Messages"), table_id("Activity")
    name_fld = next(f["id"] for t in snap.tables if t["id"] == companies for f in t["fields"]
                    if f["name"] == "Company Name")
    batch_fld = next(f["id"] for t in snap.tables if t["id"] == companies for f in t["fields"]
                     if f["name"] == "batch_name")
    records[companies][0]["fields"][name_fld] = "Renamed Company AG"
    records[companies][1]["fields"][batch_fld] = "batch-99 brand new"
    records[companies][2]["fields"].pop(batch_fld, None)
    gone_contact = records[contacts].pop()["id"]
    # links to the deleted contact now dangle (as they would in a real export: gone)
    for table in records.values():
        for rec in table:
            for k, v in list(rec["fields"].items()):
                if isinstance(v, list) and gone_contact in v:
                    rest = [x for x in v if x != gone_contact]
                    if rest:
                        rec["fields"][k] = rest
                    else:
                        del rec["fields"][k]
    deleted_messages = len(records[messages]) // 3
    del records[messages][:deleted_messages]
    new = dict(records[activities][0])
    new["id"] = "recNewActivity001"
    new["fields"] = {k: v for k, v in new["fields"].items()}
    records[activities].append(new)
    write_snapshot(dst, base_id=snap.base_id, base_name="edited", schema=snap.schema,
                   records=records, exported_at="2025-02-01T00:00:00.000Z")
    return {"deleted_messages": deleted_messages}


async def test_edits_new_and_deleted_records_reach_the_new_state(
    database_url: str, tmp_path: Path
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write_generated(old, companies=30, seed=21)
    edit_snapshot(old, new)
    slug, tenant_id = await new_tenant(database_url, "edit")
    await migrate_snapshot(database_url, old, slug)

    report = await migrate_snapshot(database_url, new, slug)

    fresh_slug, fresh_id = await new_tenant(database_url, "fresh")
    await migrate_snapshot(database_url, new, fresh_slug)
    known = record_ids(old, new)
    assert (await canonical(database_url, tenant_id, known)
            == await canonical(database_url, fresh_id, known))
    assert report.changed_rows["messages"]["deleted"] > 0
    assert report.changed_rows["batches"]["upserted"] >= 1
    names = [json.loads(r)["name"] for r in (await dump(database_url, tenant_id,
                                                         ["companies"]))["companies"]]
    assert "Renamed Company AG" in names


async def test_another_tenant_from_another_base_leaves_the_first_untouched(
    database_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_generated(first, companies=25, seed=31)
    write_generated(second, companies=25, seed=32, base_id="appOtherBase00001")
    slug_a, tenant_a = await new_tenant(database_url, "iso-a")
    await migrate_snapshot(database_url, first, slug_a)
    before = digest(await dump(database_url, tenant_a))

    slug_b, tenant_b = await new_tenant(database_url, "iso-b")
    await migrate_snapshot(database_url, second, slug_b)
    await migrate_snapshot(database_url, second, slug_b)  # and a re-run with deletes

    assert digest(await dump(database_url, tenant_a)) == before
    b_rows: dict[str, Any] = await dump(database_url, tenant_b, ["companies"])
    assert len(b_rows["companies"]) > 0
