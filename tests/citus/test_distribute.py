"""`leadgen db distribute` on a real cluster: what went where, policies, router plans, triggers."""

from __future__ import annotations

import asyncpg
from citus_support import literal, require_cluster, tenant_placement, with_literals

from leadgen.db.connect import tenant_transaction
from leadgen.db.distribute import REFERENCE_TABLES, distribute
from support.tenants import SeededTenant

require_cluster()


async def test_tenant_tables_are_distributed_co_located(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT c.relname, p.partmethod::text AS method, p.colocationid, "
            "  EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid "
            "          AND a.attname = 'tenant_id') AS has_tenant "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'")
    finally:
        await conn.close()
    by_name = {r["relname"]: r for r in rows}
    hashed = {n for n, r in by_name.items() if r["has_tenant"] and n not in REFERENCE_TABLES}
    assert {"companies", "messages", "audit_log", "pipeline_runs", "sync_state"} <= hashed
    assert {by_name[n]["method"] for n in hashed} == {"h"}
    assert len({by_name[n]["colocationid"] for n in hashed}) == 1
    assert {by_name[n]["method"] for n in REFERENCE_TABLES} == {"n"}
    assert by_name["schema_migrations"]["method"] is None
    assert by_name["login_failures"]["method"] is None


async def test_distribute_again_changes_nothing(database_url: str) -> None:
    done = await distribute(database_url)
    assert not done.changed, done


async def test_policies_are_in_the_form_citus_accepts_and_shards_stay_forced(
    database_url: str,
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        policies = await conn.fetch(
            "SELECT tablename, qual, with_check FROM pg_policies WHERE schemaname = 'public'")
        forced = await conn.fetch(
            "SELECT success, result FROM run_command_on_shards('messages', "
            "$$SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
            "WHERE oid = '%s'::regclass$$)")
    finally:
        await conn.close()
    assert len(policies) >= 27
    for row in policies:
        assert "current_tenant_id()" in row["qual"], row
        assert "SELECT" not in (row["qual"] + (row["with_check"] or "")).upper(), row
    assert forced and all(r["success"] and r["result"] == "t" for r in forced), forced


async def _explain(url: str, tenant: SeededTenant, sql: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        async with tenant_transaction(conn, tenant.id):
            rows = await conn.fetch("EXPLAIN (COSTS OFF) " + sql)
        return "\n".join(r[0] for r in rows)
    finally:
        await conn.close()


async def test_page_and_batch_stats_are_single_shard_router_queries(
    app_url: str, database_url: str, two_tenants: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = two_tenants[0]
    conn = await asyncpg.connect(database_url)
    try:
        placement = await tenant_placement(conn, tenant.id)
    finally:
        await conn.close()
    page = with_literals("api/messages", "list_messages", {
        "by_owner": "true", "by_status": "true", "tenant_id": literal(tenant.id),
        "owner_id": literal(tenant.ids["owners"]), "status_code": "1",
        "after_rank": "-2147483648",
        "after_id": "'00000000-0000-0000-0000-000000000000'::uuid", "channel": "NULL",
        "batch_id": "NULL", "campaign_id": "NULL", "q": "NULL", "fetch": "51"})
    stats = with_literals("api/batches", "batch_stats$", {
        "tenant_id": literal(tenant.id), "batch_id": literal(tenant.ids["batches"])})
    for sql in (page, stats):
        plan = await _explain(app_url, tenant, sql)
        assert "Custom Scan (Citus Adaptive)" in plan, plan
        assert "Task Count: 1" in plan, plan
        assert f"port={placement['nodeport']}" in plan, plan


async def test_triggers_fire_where_the_shard_lives(
    app_url: str, two_tenants: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = two_tenants[0]
    conn = await asyncpg.connect(app_url)
    try:
        async with tenant_transaction(conn, tenant.id, actor="citus-test"):
            before = await conn.fetchval(
                "SELECT updated_at FROM contacts WHERE tenant_id = $1 AND id = $2",
                tenant.id, tenant.ids["contacts"])
            await conn.execute(
                "UPDATE contacts SET contact_score = 77, job_title = 'CTO' "
                "WHERE tenant_id = $1 AND id = $2", tenant.id, tenant.ids["contacts"])
            after = await conn.fetchval(
                "SELECT updated_at FROM contacts WHERE tenant_id = $1 AND id = $2",
                tenant.id, tenant.ids["contacts"])
            pushed = await conn.fetchval(
                "SELECT contact_score FROM messages WHERE tenant_id = $1 AND id = $2",
                tenant.id, tenant.ids["messages"])
            audited = await conn.fetch(
                "SELECT field_name, new_value, changed_by FROM audit_log "
                "WHERE tenant_id = $1 AND entity_id = $2 AND event = 'update'",
                tenant.id, tenant.ids["contacts"])
    finally:
        await conn.close()
    assert after > before  # updated_at trigger
    assert pushed == 77  # the contact-score push reached the co-located messages shard
    assert {(r["field_name"], r["new_value"], r["changed_by"]) for r in audited} >= {
        ("contact_score", "77", "citus-test"), ("job_title", "CTO", "citus-test")}
