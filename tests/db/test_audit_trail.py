"""The database writes the audit trail itself, whoever changes a main entity."""

from __future__ import annotations

import asyncpg

from leadgen.db.connect import tenant_transaction
from support.tenants import SeededTenant


async def test_update_by_app_role_writes_audit_rows(
    two_tenants: tuple[SeededTenant, SeededTenant], app_url: str
) -> None:
    a, _ = two_tenants
    conn = await asyncpg.connect(app_url)
    try:
        message_id = a.ids["messages"]
        async with tenant_transaction(conn, a.id, actor="reviewer@example.test"):
            await conn.execute(
                "UPDATE messages SET subject = 'Hi', status = 'approved' WHERE id = $1",
                message_id)
        async with tenant_transaction(conn, a.id):
            rows = await conn.fetch(
                """SELECT field_name, old_value, new_value, event, changed_by FROM audit_log
                   WHERE table_name = 'messages' AND entity_id = $1 AND event = 'update'
                   ORDER BY field_name""", message_id)
        assert [(r["field_name"], r["old_value"], r["new_value"]) for r in rows] == [
            ("status", "draft", "approved"), ("subject", None, "Hi")]
        assert {r["changed_by"] for r in rows} == {"reviewer@example.test"}
        assert all(r["event"] == "update" for r in rows)
    finally:
        await conn.close()


async def test_insert_and_delete_are_audited_and_actor_defaults_to_role(
    two_tenants: tuple[SeededTenant, SeededTenant], app_url: str
) -> None:
    a, _ = two_tenants
    conn = await asyncpg.connect(app_url)
    try:
        async with tenant_transaction(conn, a.id):
            task_id = await conn.fetchval(
                "INSERT INTO tasks (tenant_id, task_name) VALUES ($1, 'n8n task') RETURNING id",
                a.id)
            await conn.execute("DELETE FROM tasks WHERE id = $1", task_id)
            events = await conn.fetch(
                "SELECT event, changed_by FROM audit_log WHERE entity_id = $1 ORDER BY changed_at,"
                " event DESC", task_id)
        assert [e["event"] for e in events] == ["insert", "delete"]
        assert {e["changed_by"] for e in events} == {"leadgen_app"}
    finally:
        await conn.close()


async def test_app_role_cannot_switch_auditing_off(
    two_tenants: tuple[SeededTenant, SeededTenant], app_url: str
) -> None:
    a, _ = two_tenants
    conn = await asyncpg.connect(app_url)
    try:
        async with tenant_transaction(conn, a.id):
            await conn.execute("SET LOCAL app.audit = 'off'")
            await conn.execute("UPDATE companies SET notes = 'quiet?' WHERE id = $1",
                               a.ids["companies"])
            n = await conn.fetchval(
                "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND field_name = 'notes'",
                a.ids["companies"])
        assert n == 1
    finally:
        await conn.close()
