"""The cutover verdict: Airtable may be switched off only when PostgreSQL is provably current.

Ready for cutover when all three hold, otherwise every failing one is listed as a blocker:
* the last sync cycle succeeded and is recent — younger than `max_age` seconds (default:
  twice the sync interval, or 15 minutes when no sync state says otherwise);
* verify found no unexpected difference (and checked every record, not a --sample);
* the tenant's last migration run left no cell unaccounted for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.sql import queries
from leadgen.verify.report import Cutover
from leadgen.verify.rows import all_rows

DEFAULT_MAX_AGE = 900.0


async def cutover_verdict(conn: asyncpg.Connection, tenant_id: UUID, *, unexpected: int,
                          sample: int | None, max_age: float | None = None) -> Cutover:
    blockers: list[str] = []
    if unexpected:
        blockers.append(f"verify found {unexpected} unexpected differences")
    if sample:
        blockers.append("verify checked a sample (--sample); cutover needs a full verify")
    ledger = await _ledger(conn, tenant_id, blockers)
    last_sync = await _sync(conn, tenant_id, max_age, blockers)
    return Cutover(ready=not blockers, blockers=blockers, last_sync=last_sync, ledger=ledger)


async def _ledger(conn: asyncpg.Connection, tenant_id: UUID,
                  blockers: list[str]) -> dict[str, Any] | None:
    run = await queries("verify/catalog").latest_migration_run(conn, tenant_id=tenant_id)
    if run is None:
        blockers.append("the tenant has no migration run (run `leadgen migrate` first)")
        return None
    cells = run["cells"]
    cells = cells if isinstance(cells, dict) else json.loads(cells)
    accounted = sum(int(cells.get(k, 0)) for k in ("loaded", "derived", "dropped", "rejected"))
    unaccounted = int(cells.get("non_empty", 0)) - accounted
    if unaccounted:
        blockers.append(f"the last migration run left {unaccounted} cells unaccounted for")
    return {"run_id": str(run["id"]), "finished_at": run["finished_at"].isoformat(),
            "cells": cells, "unaccounted": unaccounted, "rejected": run["rejected"]}


async def _sync(conn: asyncpg.Connection, tenant_id: UUID, max_age: float | None,
                blockers: list[str]) -> dict[str, Any] | None:
    q = queries("sync/state")
    states = list(await all_rows(q.states(conn, tenant_id=tenant_id)))
    last = await q.last_ok_cycle(conn, tenant_id=tenant_id)
    if max_age is None:
        intervals = [float(s["interval_seconds"]) * 2 for s in states]
        max_age = max(intervals) if intervals else DEFAULT_MAX_AGE
    for s in states:
        if s["last_status"] not in (None, "ok"):
            blockers.append(f"sync of base {s['base_id']} is stopped ({s['last_status']}): "
                            f"{s['last_message']}")
    if last is None:
        blockers.append("no successful sync cycle yet (run `leadgen sync --base … --tenant …`)")
        return None
    age = (datetime.now(UTC) - last["finished_at"]).total_seconds()
    if age > max_age:
        blockers.append(f"the last successful sync cycle is {age:.0f}s old "
                        f"(recent means < {max_age:.0f}s)")
    return {"base_id": last["base_id"], "finished_at": last["finished_at"].isoformat(),
            "age_seconds": round(age, 1), "max_age_seconds": max_age,
            "changed": last["changed"], "deleted": last["deleted"],
            "rejected": last["rejected"], "requests": last["requests"]}
