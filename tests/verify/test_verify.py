"""`leadgen verify`: a fresh migration verifies clean; an edit in PostgreSQL is named exactly;
the plan's workflow queries return the same record sets on both sides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadgen.verify.report import VerifyFailed
from leadgen.verify.tenant import verify_tenant
from support.migrated import Migrated, migrate_generated, run_cli, tenant_execute, tenant_fetch


@pytest.fixture(scope="module")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Migrated:
    return migrate_generated(database_url, tmp_path_factory.mktemp("verify"), seed=1)


async def test_fresh_migration_verifies_clean(migrated: Migrated) -> None:
    report = await verify_tenant(migrated.url, migrated.snapshot, migrated.slug)
    assert report.differences == []
    assert report.unexpected == 0
    by_table = {c.table: c for c in report.counts}
    assert by_table["contacts"].expected == by_table["contacts"].actual > 0
    assert by_table["companies"].compared == 20
    assert report.cells_compared > 3000
    names = [q.name for q in report.queries]
    assert any("unprocessed contacts of *batch-2* owned by Michal" in n for n in names)
    assert any(n.startswith("batch stats") for n in names)
    assert any(n.startswith("messages dashboard") for n in names)
    # No sync has run: verify is clean but the tenant is not ready for cutover.
    assert report.cutover is not None and not report.cutover.ready
    assert any("sync" in b for b in report.cutover.blockers)


async def test_edit_in_postgres_is_named(database_url: str, tmp_path: Path) -> None:
    m = migrate_generated(database_url, tmp_path, seed=2)
    row = (await tenant_fetch(
        m.url, m.tenant_id,
        "SELECT airtable_record_id, job_title FROM contacts WHERE tenant_id = $1 "
        "AND job_title IS NOT NULL ORDER BY airtable_record_id LIMIT 1"))[0]
    await tenant_execute(m.url, m.tenant_id,
                         "UPDATE contacts SET job_title = 'Chief Edit Officer' "
                         "WHERE tenant_id = $1 AND airtable_record_id = $2",
                         row["airtable_record_id"])
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    [diff] = report.differences
    assert (diff.kind, diff.table, diff.record, diff.field) == (
        "value", "contacts", row["airtable_record_id"], "Job Title")
    assert (diff.expected, diff.actual) == (row["job_title"], "Chief Edit Officer")
    with pytest.raises(VerifyFailed) as failed:
        report.raise_for_differences()
    assert failed.value.exit_code == 9

    # The command says the same, with exit code 9 and a JSON report.
    out = tmp_path / "report.json"
    done = run_cli(m.url, "verify", "--snapshot", str(m.snapshot), "--tenant", m.slug,
                   "--report", str(out))
    assert done.returncode == 9, done.stderr
    assert "Chief Edit Officer" in done.stdout and row["airtable_record_id"] in done.stdout
    doc = json.loads(out.read_text())
    assert doc["ok"] is False
    assert doc["differences"][0]["record"] == row["airtable_record_id"]
    assert doc["differences"][0]["actual"] == "Chief Edit Officer"


async def test_link_and_orphan_are_named(database_url: str, tmp_path: Path) -> None:
    m = migrate_generated(database_url, tmp_path, seed=3)
    rows = await tenant_fetch(
        m.url, m.tenant_id,
        "SELECT c.airtable_record_id, c.company_id, "
        "(SELECT id FROM companies o WHERE o.tenant_id = $1 AND o.id <> c.company_id "
        " ORDER BY o.id LIMIT 1) AS other "
        "FROM contacts c WHERE c.tenant_id = $1 AND c.company_id IS NOT NULL "
        "ORDER BY c.airtable_record_id LIMIT 1")
    rec, other = rows[0]["airtable_record_id"], rows[0]["other"]
    await tenant_execute(m.url, m.tenant_id,
                         "UPDATE contacts SET company_id = $3 WHERE tenant_id = $1 "
                         "AND airtable_record_id = $2", rec, other)
    await tenant_execute(m.url, m.tenant_id,
                         "INSERT INTO owners (tenant_id, name, airtable_record_id) "
                         "VALUES ($1, 'Nobody', $2)", "recNOTINSNAPSHOT0")
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    kinds = {(d.kind, d.table, d.record, d.field) for d in report.differences}
    assert ("value", "contacts", rec, "Company") in kinds
    assert ("orphan row", "owners", "recNOTINSNAPSHOT0", None) in kinds
    link = next(d for d in report.differences if d.field == "Company")
    assert str(other) in str(link.actual) and "Companies rec" in str(link.actual)


async def test_sample_checks_fewer_rows(migrated: Migrated) -> None:
    report = await verify_tenant(migrated.url, migrated.snapshot, migrated.slug, sample=3,
                                 seed=7)
    assert report.unexpected == 0
    by_table = {c.table: c for c in report.counts}
    assert by_table["contacts"].compared == 3
    assert report.cutover is not None
    assert any("sample" in b for b in report.cutover.blockers)


@pytest.mark.parametrize("seed", [11, 12, 13])
async def test_plan_queries_match_for_seeds(database_url: str, tmp_path: Path,
                                            seed: int) -> None:
    m = migrate_generated(database_url, tmp_path, seed=seed)
    report = await verify_tenant(m.url, m.snapshot, m.slug)
    plan = [q for q in report.queries if not q.name.startswith("n8n")]
    assert len(plan) >= 3
    for q in plan:
        assert q.unexpected == [], (q.name, q.unexpected)
    exact = next(q for q in plan
                 if q.name == "orchestrator: unprocessed contacts of *batch-2* owned by Michal")
    assert exact.formula == ("AND(FIND('batch-2',ARRAYJOIN({batch_name})), "
                             "NOT({processed_enrich}), {Owner}='Michal')")
    # Something was actually selected on both sides across the plan's queries.
    assert sum(q.airtable for q in plan) > 0 and sum(q.postgres for q in plan) > 0
    # Every difference left is explained by a rule of the mapping, and says which.
    for q in plan:
        for item in q.explained:
            assert item["reason"] and item["record"].startswith("rec"), item
    # The n8n library's record-set queries agree too.
    library = [q for q in report.queries if q.name.startswith("n8n")]
    assert library and all(q.unexpected == [] for q in library)
