"""What a run must change, predicted with the Python imitation of n8n's Postgres node.

A prediction runs the converted nodes' queries (`tests/n8n/n8n_runner.py`, parameters from
`tests/n8n/n8n_expressions.py`) with the items the workflow would hand them, inside a
transaction that is rolled back, and returns the tenant's state as it was just before the
rollback. Comparing `changes(before, predicted)` with `changes(before, after n8n)` is the
tier's check: same rows, same columns, same values, nothing else touched.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.db.connect import APP_ROLE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "n8n"))
from db_state import State, tenant_state
from n8n_expressions import evaluate_parameter
from n8n_runner import decode_like_node_postgres, run_in_transaction

LINES: list[str] = []  # one line per workflow run, printed at the end of the session


def report(name: str, seconds: float, result: str) -> None:
    LINES.append(f"{name:<28} {seconds:6.1f} s  {result}")


@dataclass
class Runner:
    """Runs a workflow's converted Postgres nodes by name, as n8n would for one item."""

    conn: asyncpg.Connection
    workflow: dict[str, Any]
    tenant_id: uuid.UUID
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def node(self, name: str, item: dict[str, Any]) -> list[dict[str, Any]]:
        node = next(n for n in self.workflow["nodes"] if n["name"] == name)
        params = node["parameters"]
        values = evaluate_parameter(params["options"]["queryReplacement"], item, self.outputs,
                                    env={"LEADGEN_TENANT_ID": str(self.tenant_id)})
        rows = await run_in_transaction(self.conn, params["query"], values)
        if rows:
            self.outputs[name] = rows[0]
        return rows


async def predict(url: str, tenant_id: uuid.UUID, workflow: dict[str, Any],
                  steps: Callable[[Runner], Awaitable[None]]) -> State:
    """The tenant's state after `steps` ran the workflow's nodes (then rolled back)."""
    conn = await asyncpg.connect(url)
    try:
        await decode_like_node_postgres(conn)
        tx = conn.transaction()
        await tx.start()
        try:
            # as the role n8n's credential uses (RLS, grants, the audit trail's changed_by),
            # then back to the owner to read every row of the tenant
            await conn.execute(f"SET LOCAL ROLE {APP_ROLE}")
            await steps(Runner(conn, workflow, tenant_id))
            await conn.execute("RESET ROLE")
            return await tenant_state(conn, tenant_id)
        finally:
            await tx.rollback()
    finally:
        await conn.close()


async def settle(url: str, tenant_id: uuid.UUID, done: Callable[[State], bool],
                 timeout: float = 60.0) -> State:
    """The state once `done(state)` holds (asynchronous sub-workflow runs), or at the deadline."""
    deadline = time.monotonic() + timeout
    conn = await asyncpg.connect(url)
    try:
        while True:
            state = await tenant_state(conn, tenant_id)
            if done(state) or time.monotonic() > deadline:
                return state
            time.sleep(0.5)
    finally:
        await conn.close()
