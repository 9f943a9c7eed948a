"""Fixtures shared by the verify and sync tests: a generated base migrated into a new tenant.

Imported by the test modules (`from support.migrated import …`); pytest puts tests/ on
sys.path (pyproject's `pythonpath`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.airtable.emulator import Emulator, run_emulator
from leadgen.airtable.export import ExportOptions, RetryPolicy, export_base
from leadgen.airtable.generate import write_generated
from leadgen.db.connect import tenant_transaction
from leadgen.migrate.run import migrate_snapshot
from support import run_async
from support.tenants import new_tenant

FAST_RATE = 50.0  # requests/s of the test emulator (real Airtable: 5)
FAST_PENALTY = 2.0


@dataclass
class Migrated:
    """A generated snapshot loaded into its own tenant."""

    snapshot: Path
    slug: str
    tenant_id: uuid.UUID
    url: str


def migrate_generated(url: str, root: Path, *, companies: int = 20, seed: int = 1,
                      prefix: str = "vfy") -> Migrated:
    """Generate a base into `root`, create a tenant and migrate the base into it."""
    snap = root / f"snap-{seed}"
    write_generated(snap, companies=companies, seed=seed)
    slug, tenant_id = run_async(new_tenant(url, prefix))
    run_async(migrate_snapshot(url, snap, slug, max_rejects=10**6))
    return Migrated(snap, slug, tenant_id, url)


@contextmanager
def emulated(snapshot: Path) -> Iterator[Emulator]:
    with run_emulator(snapshot, rate_limit=FAST_RATE, penalty_seconds=FAST_PENALTY) as emu:
        yield emu


@contextmanager
def live_base(url: str, root: Path, *, companies: int = 20, seed: int = 1,
              prefix: str = "sync") -> Iterator[tuple[Migrated, Emulator]]:
    """A generated base served by the emulator, exported and migrated into a new tenant.

    The emulator recomputes every computed cell first: the generator's deliberately messy
    computed values (a formula stuck on #ERROR!) would otherwise "heal" whenever a write
    touches a neighbouring record — something real Airtable does not do.
    """
    gen = root / f"gen-{seed}"
    write_generated(gen, companies=companies, seed=seed)
    with emulated(gen) as emu:
        emu.store.recompute_all()
        snap = export_now(emu, root / f"snap-{seed}")
        emu.clear_request_log()
        slug, tenant_id = run_async(new_tenant(url, prefix))
        run_async(migrate_snapshot(url, snap, slug, max_rejects=10**6))
        yield Migrated(snap, slug, tenant_id, url), emu


def export_now(emu: Emulator, out: Path) -> Path:
    """What the emulated base holds now, as a snapshot (the real exporter, paced)."""
    export_base(emu.base_id, out, token=emu.token, endpoint=emu.url,
                options=ExportOptions(rate_limit=FAST_RATE,
                                      policy=RetryPolicy(penalty_seconds=FAST_PENALTY)),
                show_progress=False)
    return out


async def tenant_fetch(url: str, tenant_id: uuid.UUID, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(url)
    try:
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            return list(await conn.fetch(sql, tenant_id, *args))
    finally:
        await conn.close()


async def tenant_execute(url: str, tenant_id: uuid.UUID, sql: str, *args: Any) -> str:
    conn = await asyncpg.connect(url)
    try:
        async with tenant_transaction(conn, tenant_id, actor="test", role="leadgen_owner"):
            return str(await conn.execute(sql, tenant_id, *args))
    finally:
        await conn.close()


Factory = Callable[..., Migrated]


def run_cli(url: str, *args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`leadgen …` in a child process against `url` (exit code and output as a user sees)."""
    full = {**os.environ, "DATABASE_URL": url, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "leadgen", *args], env=full, text=True,
                          capture_output=True, timeout=timeout)
