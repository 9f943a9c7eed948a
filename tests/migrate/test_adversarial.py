"""A hand-written snapshot with one planted problem per reject reason (and per finding).

Each planted value must come back as the right reject (table, record, field, raw value,
reason) while the rest of its record loads where the schema allows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from leadgen.db.connect import admin_transaction
from leadgen.migrate import migrate_snapshot
from leadgen.migrate.transform.rules import batch_id, batch_key, row_id
from support.adversarial import ACME, ANTON, BETA, GAMMA, JANA, MICHAL, PETR, records
from support.snapshots import count_cells, make_snapshot, rid
from support.tenants import new_tenant


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot(tmp_path_factory.mktemp("adv") / "snap", records())


@pytest.fixture(scope="module")
async def migrated(database_url: str, adversarial: Path) -> tuple[UUID, dict[str, Any]]:
    slug, tenant_id = await new_tenant(database_url, "adv")
    report = await migrate_snapshot(database_url, adversarial, slug)
    return tenant_id, report.as_json()


def rejects_of(report: dict[str, Any], record_id: str) -> dict[str | None, dict[str, Any]]:
    return {r["field"]: r for r in report["rejects"] if r["record_id"] == record_id}


async def row(url: str, tenant_id: UUID, table: str, record_id: str) -> dict[str, Any] | None:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            r = await conn.fetchrow(f"SELECT * FROM {table} WHERE tenant_id = $1 AND id = $2",
                                    tenant_id, row_id(tenant_id, record_id))
    finally:
        await conn.close()
    return dict(r) if r else None


async def test_every_cell_is_accounted_for(adversarial: Path, migrated: Any) -> None:
    _, report = migrated
    _, cells = count_cells(adversarial)
    assert report["unaccounted"] == 0
    assert report["cells"]["non_empty"] == cells


@pytest.mark.parametrize(("record", "field", "reason", "value"), [
    (ACME, "Triage Score", "overflow", 12345.6),
    (ACME, "Tier", "unknown choice", "Tier 0 - Diamond"),
    (JANA, "Authority Score", "overflow", 70000),
    (JANA, "Notes", "NUL byte", "bad\x00note"),
    (PETR, "Company", "dangling link", [rid("coMissing")]),
    (PETR, "Enriched At", "unparseable date", "not a date"),
    (rid("msgOk"), "Sent At", "unparseable date", "yesterday"),
    (rid("msgBig"), "Sequence Step", "overflow", 40000),
    (rid("task1"), "Scheduled", "unparseable date", "2024-13-45"),
    (rid("crm1"), "Participants", "dangling link", [rid("ctGhost")]),
    (rid("crm2"), "Company", "unmatched company", "Nobody Inc"),
    (rid("crm3"), "Company", "ambiguous company", "Beta GmbH"),
    (GAMMA, "Company Name", "not null without a value", None),
    (rid("msgNoBody"), "Body", "not null without a value", None),
])
async def test_planted_problem_is_the_right_reject(
    migrated: Any, record: str, field: str, reason: str, value: Any
) -> None:
    _, report = migrated
    found = rejects_of(report, record)
    assert field in found, f"no reject for {field} of {record}: {found}"
    assert found[field]["reason"].startswith(reason + ":")
    assert found[field]["value"] == value


async def test_the_rest_of_a_record_with_rejects_still_loads(
    database_url: str, migrated: Any
) -> None:
    tenant_id, _ = migrated
    acme = await row(database_url, tenant_id, "companies", ACME)
    assert acme is not None
    assert (acme["name"], acme["tier"], acme["triage_score"]) == ("Acme GmbH", None, None)
    assert acme["domain"] == "acme.de" and acme["revenue_range"] == "micro"
    assert acme["status"] == "triage_passed" and acme["lemlist_synced"] is True
    jana = await row(database_url, tenant_id, "contacts", JANA)
    assert jana is not None
    assert jana["notes"] is None and jana["authority_score"] is None
    assert jana["company_id"] == row_id(tenant_id, ACME)  # Company[0]; BETA reported
    assert jana["batch_id"] == batch_id(tenant_id, batch_key("batch-1"))
    assert jana["language"] == "en"
    petr = await row(database_url, tenant_id, "contacts", PETR)
    assert petr is not None and petr["company_id"] is None
    assert petr["owner_id"] == row_id(tenant_id, ANTON)  # from the legacy "Contact of"
    msg = await row(database_url, tenant_id, "messages", rid("msgOk"))
    assert msg is not None and msg["sent_at"] is None and msg["label"] is None
    assert msg["body"] == "Hello Jana, short body" and msg["language"] == "de"
    big = await row(database_url, tenant_id, "messages", rid("msgBig"))
    assert big is not None and big["sequence_step"] == 1  # empty after reject: the default
    crm = await row(database_url, tenant_id, "crm_events", rid("crm1"))
    assert crm is not None and crm["company_id"] == row_id(tenant_id, ACME)
    michal = await row(database_url, tenant_id, "owners", MICHAL)
    anton = await row(database_url, tenant_id, "owners", ANTON)
    assert michal and anton and michal["is_active"] is True and anton["is_active"] is False
    beta = await row(database_url, tenant_id, "companies", BETA)
    assert beta is not None and beta["owner_id"] == row_id(tenant_id, ANTON)


async def test_rows_the_schema_cannot_hold_are_not_loaded(
    database_url: str, migrated: Any
) -> None:
    tenant_id, report = migrated
    assert await row(database_url, tenant_id, "companies", GAMMA) is None
    assert await row(database_url, tenant_id, "messages", rid("msgNoBody")) is None
    assert await row(database_url, tenant_id, "activities", rid("act2")) is None  # duplicate
    assert await row(database_url, tenant_id, "research_assets", rid("res2")) is None
    dup = rejects_of(report, rid("act2"))
    assert dup[None]["reason"].startswith("duplicate:")
    assert dup["Activity Name"]["reason"].startswith("row not loaded:")
    assert rejects_of(report, rid("res2"))[None]["reason"].startswith(
        "not null without a value:")
    act3 = await row(database_url, tenant_id, "activities", rid("act3"))
    assert act3 is not None and act3["occurred_at"] is not None  # from createdTime


async def test_findings_name_each_kind_of_mess(migrated: Any) -> None:
    _, report = migrated
    findings = report["findings"]
    for kind in ("extra_company_links", "multi_batch_records", "batch_variants_merged",
                 "unmatched_company_names", "ambiguous_company_names",
                 "legacy_messages_not_found", "invalid_json_kept_as_string",
                 "activity_duplicates", "research_asset_rule", "owner_from_legacy_text",
                 "formula_error_values", "domains_normalised"):
        assert findings.get(kind, {}).get("count", 0) >= 1, kind
    lost = {(e["record_id"], e["field"]) for e in findings["legacy_messages_not_found"]["examples"]}
    assert (JANA, "Call Script") in lost and (JANA, "Email Subject 1") in lost
    assert (JANA, "Email Body 1") not in lost  # the same text (up to spaces) is a Message
    merged = findings["batch_variants_merged"]["examples"]
    assert any(m["batch"] == "batch-1" and " Batch-1 " in m["variants"] for m in merged)


# Findings about the run as a whole, not about one record (a batch name's spellings, a tally).
SUMMARY_FINDINGS = {"batch_variants_merged", "legacy_messages_found_in_messages"}


async def test_every_finding_example_names_its_record(migrated: Any) -> None:
    """So a user can open the record in Airtable (bug: invalid_json_kept_as_string and
    audit_record_not_in_snapshot named table, field and value only)."""
    _, report = migrated
    findings = report["findings"]
    assert {"invalid_json_kept_as_string", "audit_record_not_in_snapshot"} <= set(findings)
    for kind, finding in findings.items():
        if kind in SUMMARY_FINDINGS:
            continue
        assert finding["examples"], kind
        for example in finding["examples"]:
            assert {"table", "record_id", "field"} <= set(example), (kind, example)
            assert example["record_id"].startswith("rec"), (kind, example)
    quick = findings["invalid_json_kept_as_string"]["examples"]
    assert {(e["table"], e["record_id"], e["field"]) for e in quick} == {
        ("Companies", ACME, "Quick Wins")}
    gone = findings["audit_record_not_in_snapshot"]["examples"]
    assert [(e["table"], e["record_id"], e["field"], e["value"]) for e in gone] == [
        ("audit_log", rid("aud2"), "Record ID", rid("ctGone"))]


async def test_stored_values_and_rejects_in_the_database(
    database_url: str, migrated: Any
) -> None:
    tenant_id, report = migrated
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            qw = await conn.fetch(
                "SELECT quick_wins FROM company_enrichment_l2 WHERE tenant_id = $1 "
                "ORDER BY company_id", tenant_id)
            tags = await conn.fetch("SELECT category, value FROM company_tags "
                                    "WHERE tenant_id = $1", tenant_id)
            rejects = await conn.fetch(
                "SELECT run_id, seq, table_name, record_id, field_name, value, reason "
                "FROM migration_rejects WHERE tenant_id = $1 ORDER BY seq", tenant_id)
            archived = await conn.fetchrow(
                "SELECT fields, raw FROM airtable_records WHERE tenant_id = $1 AND "
                "record_id = $2", tenant_id, JANA)
            batches = await conn.fetch("SELECT name FROM batches WHERE tenant_id = $1 "
                                       "ORDER BY name", tenant_id)
    finally:
        await conn.close()
    values = [json.loads(r["quick_wins"]) for r in qw if r["quick_wins"]]
    assert "Here are the quick wins: [{'title': 'x'}]" in values  # kept as a JSON string
    assert [{"title": "Chatbot", "weeks": 3}] in values
    assert [(t["category"], t["value"]) for t in tags] == [("pain_area", "Legacy IT")]
    # one row per reject of the report, in its order, under this run's id
    assert [r["seq"] for r in rejects] == list(range(len(report["rejects"])))
    assert {str(r["run_id"]) for r in rejects} == {report["run_id"]}
    assert [(r["table_name"], r["record_id"], r["field_name"], r["reason"])
            for r in rejects] == [(x["table"], x["record_id"], x["field"], x["reason"])
                                  for x in report["rejects"]]
    assert archived["raw"] is not None and b"bad\\u0000note" in archived["raw"]
    assert [b["name"] for b in batches] == ["batch-1", "pilot"]
