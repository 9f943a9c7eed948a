"""`leadgen verify` after a clean migrate: every difference the mapping makes on purpose
(rejects, merged batch spellings, one batch kept, owners from legacy text, normalised values)
explains the workflow queries' differences — reported as explained, with its reason — and a
real edit in PostgreSQL still fails verify with exit 9."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leadgen.airtable.generate import generate_base, write_generated
from leadgen.migrate import migrate_snapshot
from leadgen.migrate.ledger import REASONS
from leadgen.verify.report import VerifyFailed, VerifyReport
from leadgen.verify.tenant import verify_tenant
from support import run_async
from support.adversarial import DIAMOND, every_reject_records
from support.migrated import (
    Migrated,
    migrate_generated,
    run_cli,
    tenant_execute,
    tenant_fetch,
)
from support.snapshots import make_snapshot, rid, tamper_first_row
from support.tenants import new_tenant


def migrate(url: str, snapshot: Path) -> Migrated:
    slug, tenant_id = run_async(new_tenant(url, "vex"))
    run_async(migrate_snapshot(url, snapshot, slug, max_rejects=10**6))
    return Migrated(snapshot, slug, tenant_id, url)


def unknown_tier_base(root: Path) -> tuple[Path, str]:
    """A generated base where one company with contacts has an unknown Tier choice."""
    base = generate_base(10, seed=1)
    companies = next(t for t in base.schema["tables"] if t["name"] == "Companies")
    ids = {f["name"]: f["id"] for f in companies["fields"]}
    company = next(r for r in base.records[companies["id"]] if r["fields"].get(ids["Contacts"]))
    company["fields"][ids["Tier"]] = DIAMOND
    write_generated(root, base)
    return root, str(company["id"])


def explained(report: VerifyReport, prefix: str = "") -> list[dict[str, Any]]:
    return [e for q in report.queries if q.name.startswith(prefix) for e in q.explained]


def unexpected(report: VerifyReport) -> list[tuple[str, dict[str, Any]]]:
    return [(q.name, u) for q in report.queries for u in q.unexpected]


@pytest.fixture(scope="module")
def unknown_tier(database_url: str, tmp_path_factory: pytest.TempPathFactory,
                 ) -> tuple[Migrated, str]:
    snap, company = unknown_tier_base(tmp_path_factory.mktemp("tier") / "snap")
    return migrate(database_url, snap), company


async def test_unknown_tier_choice_explains_the_batch_stats(
        unknown_tier: tuple[Migrated, str], tmp_path: Path) -> None:
    m, company = unknown_tier
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    assert any(r["record_id"] == company and r["field"] == "Tier"
               and r["reason"].startswith("unknown choice") for r in report.expected_rejects)
    assert unexpected(report) == [] and report.differences == []
    # The contacts of that company differ in the batch stats (plan and n8n), as explained.
    why = [e for e in explained(report) if f"Companies.Tier of {company}: reject: unknown "
           "choice" in e["reason"]]
    names = {q.name.split(":")[0] for q in report.queries if any(e in why for e in q.explained)}
    assert {"batch stats", "n8n batch_stats"} <= names
    assert all(e["record"].startswith("rec") for e in why)
    value = next(e for e in why if e["side"] == "value")
    assert value["expected"][1] == f"?{DIAMOND}" and value["actual"][1] is None
    # `leadgen verify` exits 0, and its JSON report lists the explained differences.
    done = run_cli(m.url, "verify", "--snapshot", str(m.snapshot), "--tenant", m.slug,
                   "--report", str(tmp_path / "report.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "explained query differences" in " ".join(done.stdout.split())
    assert DIAMOND in (tmp_path / "report.json").read_text("utf-8")


async def test_postgres_edit_behind_an_explained_record_is_unexpected(
        database_url: str, tmp_path: Path) -> None:
    snap, company = unknown_tier_base(tmp_path / "snap")
    m = migrate(database_url, snap)
    # The company whose Tier was rejected gets a tier in PostgreSQL after the migration.
    await tenant_execute(m.url, m.tenant_id,
                         "UPDATE companies SET tier = 'tier_1_platinum' WHERE tenant_id = $1 "
                         "AND airtable_record_id = $2", company)
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    assert [(d.kind, d.record, d.field) for d in report.differences] == [
        ("value", company, "Tier")]
    stats = [(name, u) for name, u in unexpected(report) if "batch" in name]
    assert stats, "the batch stats must not explain the edited tier away"
    assert any(u["side"] == "value" and u["actual"][1] == "tier_1_platinum"
               for _, u in stats if str(u["record"]).startswith("rec"))
    assert any(str(u["record"]).startswith("group ") for _, u in stats)
    with pytest.raises(VerifyFailed) as failed:
        report.raise_for_differences()
    assert failed.value.exit_code == 9


async def test_postgres_edit_of_a_queried_field_is_unexpected(
        database_url: str, tmp_path: Path) -> None:
    """A cell no query explains: a contact marked processed after the migration leaves the
    orchestrator's answer, and that is unexpected."""
    m = migrate_generated(database_url, tmp_path, companies=10, seed=4)
    [row] = await tenant_fetch(
        m.url, m.tenant_id,
        "SELECT c.airtable_record_id, o.name AS owner, b.name AS batch FROM contacts c "
        "JOIN owners o ON o.tenant_id = c.tenant_id AND o.id = c.owner_id "
        "JOIN batches b ON b.tenant_id = c.tenant_id AND b.id = c.batch_id "
        "WHERE c.tenant_id = $1 AND NOT c.processed_enrich "
        "ORDER BY c.airtable_record_id LIMIT 1")
    await tenant_execute(m.url, m.tenant_id,
                         "UPDATE contacts SET processed_enrich = true WHERE tenant_id = $1 "
                         "AND airtable_record_id = $2", row["airtable_record_id"])
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    name = f"orchestrator: unprocessed contacts of *{row['batch']}* owned by {row['owner']}"
    found = [u for check, u in unexpected(report) if check == name]
    assert found == [{"record": row["airtable_record_id"], "side": "airtable only",
                      "expected": "in the result", "actual": "absent"}]
    assert [(d.record, d.field) for d in report.differences] == [
        (row["airtable_record_id"], "processed_enrich")]


@pytest.mark.parametrize("seed", [41, 42, 43, 44, 45])
async def test_clean_migrate_verifies_on_generated_seeds(database_url: str, tmp_path: Path,
                                                         seed: int) -> None:
    m = migrate_generated(database_url, tmp_path, companies=8, seed=seed)
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    assert report.differences == [] and unexpected(report) == []
    assert sum(q.airtable for q in report.queries) > 0
    assert sum(q.postgres for q in report.queries) > 0
    for item in explained(report):
        assert item["reason"] and item["record"].startswith("rec"), item


async def test_every_kind_of_reject_migrates_and_verifies(database_url: str,
                                                          tmp_path: Path) -> None:
    m = migrate(database_url, make_snapshot(tmp_path / "snap", every_reject_records()))
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    kinds = {r["reason"].split(":")[0] for r in report.expected_rejects}
    assert kinds == set(REASONS), set(REASONS) ^ kinds
    assert report.reject_notes == []
    assert report.differences == [] and unexpected(report) == []
    reasons = " ".join(e["reason"] for e in explained(report))
    for why in ("reject: unknown choice", "reject: dangling link", "reject: invalid value",
                "was merged into the batch", "several batches",
                "comes from the legacy fallback field", "was not loaded"):
        assert why in reasons, why
    done = run_cli(m.url, "verify", "--snapshot", str(m.snapshot), "--tenant", m.slug)
    assert done.returncode == 0, done.stdout + done.stderr


async def test_empty_select_loaded_as_the_default_explains_the_drafts(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mapping that loads an empty Messages.Status as the column's DDL default ('draft'):
    the message is a draft in PostgreSQL only, and that is explained, not unexpected."""
    owner, contact, message = rid("ownMichal"), rid("ctOne"), rid("msgNoStatus")
    snap = make_snapshot(tmp_path / "snap", {
        "Owners": [{"id": owner, "fields": {"Name": "Michal"}}],
        "Contacts": [{"id": contact, "fields": {"Full Name": "One", "Owner": [owner],
                                                "batch_name": ["batch-2"]}}],
        "Messages": [{"id": message, "fields": {"Contact": [contact], "Owner": [owner],
                                                "Body": "b", "Channel": "Email"}}],
    })
    tamper_first_row(monkeypatch, "messages", "status", "draft")  # both migrate and verify
    m = migrate(database_url, snap)
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    assert unexpected(report) == [] and report.differences == []
    [drafts] = [q for q in report.queries if q.name == "messages dashboard: drafts of Michal"]
    assert (drafts.airtable, drafts.mapped, drafts.postgres) == (0, 1, 1)
    assert drafts.explained == [{
        "record": message, "side": "postgres only", "expected": "absent",
        "actual": "in the result",
        "reason": f"Messages.Status of {message}: the empty select was loaded as the default "
                  "'draft' of messages.status"}]
