"""kill -9 in the middle of the load: the tenant stays as it was; a re-run converges."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg

from leadgen.airtable.generate import write_generated
from leadgen.migrate import migrate_snapshot
from support.snapshots import canonical, dump, record_ids
from support.tenants import new_tenant

ROOT = Path(__file__).resolve().parents[2]


async def _writing(url: str, app_name: str) -> bool:
    """The migration's transaction has written something (it has an xid) and is open."""
    conn = await asyncpg.connect(url)
    try:
        return bool(await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
            "AND backend_xid IS NOT NULL AND xact_start IS NOT NULL", app_name))
    finally:
        await conn.close()


async def _backend_gone(url: str, app_name: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        return not await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app_name)
    finally:
        await conn.close()


async def test_kill_9_mid_load_then_rerun_gives_the_uninterrupted_state(
    database_url: str, tmp_path: Path
) -> None:
    snap = tmp_path / "snap"
    # big enough (≈ 21k records) that the load is still running well after its first write
    write_generated(snap, companies=1000, seed=41)
    slug, tenant_id = await new_tenant(database_url, "crash")
    app_name = f"leadgen-crash-{uuid.uuid4().hex[:8]}"
    sep = "&" if "?" in database_url else "?"
    env = dict(os.environ, DATABASE_URL=f"{database_url}{sep}application_name={app_name}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "leadgen", "migrate", "--snapshot", str(snap), "--tenant", slug],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not await _writing(database_url, app_name):
            assert proc.poll() is None, "the migration ended before it could be killed"
            assert time.monotonic() < deadline, "the load never started"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # well inside the transaction: some chunks are in
        assert proc.poll() is None, "the migration finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while not await _backend_gone(database_url, app_name):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)

    left = await dump(database_url, tenant_id)
    assert all(rows == [] for rows in left.values()), "the killed run left rows behind"

    report = await migrate_snapshot(database_url, snap, slug)
    assert report.unaccounted == 0
    clean_slug, clean_id = await new_tenant(database_url, "clean")
    await migrate_snapshot(database_url, snap, clean_slug)
    known = record_ids(snap)
    assert await canonical(database_url, tenant_id, known) == await canonical(
        database_url, clean_id, known)
