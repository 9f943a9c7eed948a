"""`leadgen sync`: edits made in Airtable (the emulator) reach PostgreSQL after one cycle,
exactly; an unchanged base costs one request per table plus the id scan; schema drift stops
the sync naming the field until the mapping covers it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.emulator.schema_index import SchemaIndex
from leadgen.airtable.export import RetryPolicy
from leadgen.errors import SchemaError
from leadgen.migrate.mapping import DEFAULT_PATH
from leadgen.migrate.transform.rules import row_id
from leadgen.sync.cycle import SyncOptions, sync_once
from leadgen.sync.reader import AirtableReader
from leadgen.verify.tenant import verify_tenant
from support.migrated import (
    FAST_PENALTY,
    FAST_RATE,
    Migrated,
    export_now,
    live_base,
    run_cli,
    tenant_fetch,
)


def reader_for(emu: Emulator) -> AirtableReader:
    return AirtableReader.connect(emu.base_id, token=emu.token, endpoint=emu.url,
                                  rate_limit=FAST_RATE,
                                  policy=RetryPolicy(penalty_seconds=FAST_PENALTY))


def sync_cli(m: Migrated, emu: Emulator, *extra: str) -> Any:
    return run_cli(m.url, "sync", "--base", emu.base_id, "--tenant", m.slug, "--once",
                   "--endpoint", emu.url, "--rate-limit", str(FAST_RATE),
                   "--penalty-seconds", str(FAST_PENALTY), *extra,
                   env={"AIRTABLE_TOKEN": emu.token})


def first(emu: Emulator, table: str, pred: Any = lambda r: True) -> dict[str, Any]:
    return next(r for r in emu.store.list_records(table) if pred(r))


def fid(emu: Emulator, table: str, name: str) -> str:
    info = emu.store.table(table)
    assert info is not None
    found = info.field(name)
    assert found is not None
    return str(found["id"])


async def test_one_cycle_brings_creates_edits_and_deletes(database_url: str,
                                                          tmp_path: Path) -> None:
    with live_base(database_url, tmp_path, seed=4) as (m, emu):
        s = emu.store
        companies = s.list_records("Companies")
        owners = {r["fields"][fid(emu, "Owners", "Name")]: r["id"]
                  for r in s.list_records("Owners")}
        # A new contact, linked to a company and an owner, in a batch (a select).
        new = s.create_record("Contacts", {
            "Full Name": "Ada Newcomer", "Job Title": "CTO", "Company": [companies[0]["id"]],
            "Owner": [owners["Michal"]], "batch_name": ["batch-2"],
            "Seniority Level": "C-Level"})
        # An edited contact: another company (link), another seniority (select), a new name —
        # the name reaches its messages' Label (a formula) without touching their timestamps.
        edited = first(emu, "Contacts", lambda r: r["fields"].get(fid(emu, "Contacts", "Company"))
                       and r["fields"].get(fid(emu, "Contacts", "Messages")))
        other = next(c for c in companies
                     if [c["id"]] != edited["fields"][fid(emu, "Contacts", "Company")])
        s.update_record("Contacts", edited["id"], {
            "Company": [other["id"]], "Seniority Level": "Founder", "Full Name": "Renamed Person"})
        # A deleted message and a deleted task (its junction rows go with it).
        gone_message = first(emu, "Messages")["id"]
        s.delete_record("Messages", gone_message)
        gone_task = first(emu, "Tasks", lambda r: r["fields"].get(fid(emu, "Tasks", "Contacts")))
        s.delete_record("Tasks", gone_task["id"])

        done = sync_cli(m, emu)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "ok" in done.stdout and "changed" in done.stdout
        assert all(r.status != 429 for r in emu.request_log)

        t = m.tenant_id
        [row] = await tenant_fetch(
            m.url, t, "SELECT c.company_id, c.owner_id, b.name AS batch, c.job_title, "
            "c.seniority_level::text AS seniority FROM contacts c "
            "LEFT JOIN batches b ON b.tenant_id = c.tenant_id AND b.id = c.batch_id "
            "WHERE c.tenant_id = $1 AND c.airtable_record_id = $2", new["id"])
        assert row["company_id"] == row_id(t, companies[0]["id"])
        assert row["owner_id"] == row_id(t, owners["Michal"])
        assert (row["batch"], row["job_title"], row["seniority"]) == ("batch-2", "CTO", "c_level")

        [row] = await tenant_fetch(
            m.url, t, "SELECT company_id, full_name, seniority_level::text AS s FROM contacts "
            "WHERE tenant_id = $1 AND airtable_record_id = $2", edited["id"])
        assert (row["company_id"], row["full_name"], row["s"]) == (
            row_id(t, other["id"]), "Renamed Person", "founder")
        labels = await tenant_fetch(
            m.url, t, "SELECT label FROM messages WHERE tenant_id = $1 AND contact_id = $2",
            row_id(t, edited["id"]))
        assert labels and all(lb.startswith("Renamed Person - ") for (lb,) in labels)

        for table, rec in (("messages", gone_message), ("tasks", gone_task["id"])):
            assert not await tenant_fetch(
                m.url, t, f"SELECT 1 FROM {table} WHERE tenant_id = $1 "
                "AND airtable_record_id = $2", rec)
        assert not await tenant_fetch(
            m.url, t, "SELECT 1 FROM task_contacts WHERE tenant_id = $1 AND task_id = $2",
            row_id(t, gone_task["id"]))
        assert not await tenant_fetch(
            m.url, t, "SELECT 1 FROM airtable_records WHERE tenant_id = $1 AND record_id = $2",
            gone_message)

        [cycle] = await tenant_fetch(
            m.url, t, "SELECT status, changed, deleted, requests, tables FROM sync_cycles "
            "WHERE tenant_id = $1")
        assert cycle["status"] == "ok" and cycle["deleted"] == 2 and cycle["changed"] >= 2
        assert cycle["requests"] > 0

        # Verify agrees: the base as Airtable holds it now equals the tenant.
        fresh = export_now(emu, tmp_path / "now")
        report = await verify_tenant(m.url, fresh, m.slug, max_sync_age=3600)
        assert report.unexpected == 0, json.dumps([d.as_json() for d in report.differences[:12]])
        assert report.cutover is not None and report.cutover.ready, report.cutover.blockers
        # A sync that is not recent blocks the cutover, and says so.
        stale = await verify_tenant(m.url, fresh, m.slug, max_sync_age=0.001)
        assert stale.cutover is not None and not stale.cutover.ready
        assert any("last successful sync cycle" in b for b in stale.cutover.blockers)

    status = run_cli(m.url, "sync", "--status", "--tenant", m.slug)
    assert status.returncode == 0, status.stderr
    assert emu.base_id in status.stdout and "ok" in status.stdout


async def test_unchanged_cycle_costs_one_request_per_table(database_url: str,
                                                           tmp_path: Path) -> None:
    with live_base(database_url, tmp_path, seed=5) as (m, emu):
        reader = reader_for(emu)
        await sync_once(m.url, emu.base_id, m.slug, reader)
        second = await sync_once(m.url, emu.base_id, m.slug, reader)
        assert (second.changed, second.deleted, second.status) == (0, 0, "ok")
        snap_tables = json.loads((m.snapshot / "manifest.json").read_text())["tables"]
        pages = {t["name"]: max(1, -(-t["records"] // 100)) for t in snap_tables.values()}
        for name, figures in second.tables.items():
            if pages[name] == 1 and snap_tables_records(snap_tables, name) < 100:
                # A one-page table is read whole: change query and id scan in one request.
                assert (figures["requests"], figures["scan_requests"]) == (1, 0), name
            else:
                assert figures["requests"] - figures["scan_requests"] == 1, name
                assert figures["scan_requests"] == pages[name], name
        # schema + at most one request per table + the id scan
        assert second.requests <= 1 + len(second.tables) + sum(pages.values())
        assert all(r.status != 429 for r in emu.request_log)


def snap_tables_records(tables: dict[str, Any], name: str) -> int:
    return int(next(t["records"] for t in tables.values() if t["name"] == name))


def _add_field(emu: Emulator, table: str, field: dict[str, Any]) -> None:
    """Someone adds a field in Airtable: the emulator's schema gets it (metadata API too)."""
    body = emu.store.schema.body
    next(t for t in body["tables"] if t["name"] == table)["fields"].append(field)
    emu.store.schema = SchemaIndex(body)


async def test_added_field_stops_sync_until_mapped(database_url: str, tmp_path: Path) -> None:
    with live_base(database_url, tmp_path, seed=6) as (m, emu):
        reader = reader_for(emu)
        await sync_once(m.url, emu.base_id, m.slug, reader)
        _add_field(emu, "Contacts", {"id": "fldLEADSOURCE0001", "name": "Lead Source",
                                     "type": "singleLineText"})
        with pytest.raises(SchemaError) as stopped:
            await sync_once(m.url, emu.base_id, m.slug, reader)
        assert stopped.value.exit_code == 5
        assert "Contacts.Lead Source" in stopped.value.message

        done = sync_cli(m, emu)
        assert done.returncode == 5 and "Lead Source" in done.stderr
        [state] = await tenant_fetch(m.url, m.tenant_id, "SELECT last_status, last_message "
                                     "FROM sync_state WHERE tenant_id = $1")
        assert state["last_status"] == "drift" and "Lead Source" in state["last_message"]

        # The mapping is updated to cover the field: the sync goes on.
        bundled = (Path(__file__).parents[2] / "src/leadgen/migrate/mappings" / DEFAULT_PATH)
        text = bundled.read_text("utf-8").replace(
            "[tables.Contacts.fields]\n",
            '[tables.Contacts.fields]\n"Lead Source" = { kind = "drop", reason = "new, unused" }\n')
        mapping = tmp_path / "mapping.toml"
        mapping.write_text(text, "utf-8")
        result = await sync_once(m.url, emu.base_id, m.slug, reader,
                                 SyncOptions(mapping_path=mapping))
        assert result.status == "ok"


async def test_new_select_choice_is_drift(database_url: str, tmp_path: Path) -> None:
    with live_base(database_url, tmp_path, seed=7) as (m, emu):
        reader = reader_for(emu)
        await sync_once(m.url, emu.base_id, m.slug, reader)
        emu.store.create_record("Companies", {"Company Name": "Choicy", "Tier": "Tier 0 - Mythic"},
                                typecast=True)
        with pytest.raises(SchemaError) as stopped:
            await sync_once(m.url, emu.base_id, m.slug, reader)
        assert "Companies.Tier: select choice added: Tier 0 - Mythic" in stopped.value.message


async def test_cycle_survives_server_errors_and_expired_iterators(database_url: str,
                                                                   tmp_path: Path) -> None:
    with live_base(database_url, tmp_path, seed=8) as (m, emu):
        reader = reader_for(emu)
        await sync_once(m.url, emu.base_id, m.slug, reader)
        contact = first(emu, "Contacts")
        emu.store.update_record("Contacts", contact["id"], {"Job Title": "Head of Retries"})
        emu.set_faults("5xx=0.15,drop=0.05,expire_iterator=2,seed=3")
        result = await sync_once(m.url, emu.base_id, m.slug, reader)
        emu.clear_faults()
        assert result.status == "ok" and result.changed >= 1
        assert any(r.fault for r in emu.request_log)  # the faults did fire
        assert all(r.status != 429 for r in emu.request_log)
        [row] = await tenant_fetch(m.url, m.tenant_id, "SELECT job_title FROM contacts "
                                   "WHERE tenant_id = $1 AND airtable_record_id = $2",
                                   contact["id"])
        assert row["job_title"] == "Head of Retries"


def test_links_edited_from_the_unloaded_side_are_reread(tmp_path: Path) -> None:
    """Companies.Contacts is derived (contacts.company_id holds the link): a contact added to
    or removed from a company there must be re-read, whatever its own timestamp says."""
    from leadgen.airtable.generate import generate_base
    from leadgen.migrate.mapping import load_mapping
    from leadgen.sync.changes import suspects

    base = generate_base(5, 1)
    mapping = load_mapping(schema=base.schema)
    tables = {t["name"]: t for t in base.schema["tables"]}
    companies, contacts = tables["Companies"], tables["Contacts"]
    link = next(f["id"] for f in companies["fields"] if f["name"] == "Contacts")
    archive = {t["id"]: {r["id"]: r for r in base.records[t["id"]]} for t in base.schema["tables"]}
    company = next(r for r in base.records[companies["id"]] if len(r["fields"].get(link, [])) > 1)
    removed = company["fields"][link][0]
    added = next(r["id"] for r in base.records[contacts["id"]]
                 if r["id"] not in company["fields"][link])
    edited = {**company, "fields": {**company["fields"],
                                    link: [*company["fields"][link][1:], added]}}
    found = suspects(base.schema, mapping, archive, {companies["id"]: {company["id"]: edited}})
    assert {removed, added} <= found[contacts["id"]]
    # A changed contact makes its messages suspects (their Label formula reads the contact).
    messages = tables["Messages"]
    contact_id = next(r["id"] for r in base.records[contacts["id"]]
                      if r["fields"].get(next(f["id"] for f in contacts["fields"]
                                              if f["name"] == "Messages")))
    found = suspects(base.schema, mapping, archive,
                     {contacts["id"]: {contact_id: archive[contacts["id"]][contact_id]}})
    assert found.get(messages["id"])
