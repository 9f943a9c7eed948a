"""Benchmark: what one `leadgen sync` cycle costs against a base of ~20,000 records, with the
emulator at Airtable's real limits (5 requests/s per base, 30 s penalty after a 429).

    .venv/bin/python bench/bench_sync.py [--companies 1000] [--seed 1] [--edits 20]

Steps: generate the base, migrate it into a new tenant, run a first cycle (it accepts the
schema baseline), then measure an unchanged cycle (the steady state of a parallel run) and two
cycles each after `--edits` edits, 5 creates and 5 deletes made in the emulator (the first
cycle with changes also re-writes the archive's digests once; see docs/benchmarks.md).
Requests are counted per table (change query, re-reads, id scan) by the sync's own client and
cross-checked with the emulator's request log (which also proves no 429 was provoked). The
database is DATABASE_URL, else the embedded PostgreSQL. Figures are printed and written to
bench/results/bench_sync.json; docs/benchmarks.md "## Sync" quotes them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import create_tenant
from leadgen.airtable.emulator import Emulator, run_emulator
from leadgen.airtable.generate import write_generated
from leadgen.db import migrate as schema_migrate
from leadgen.db.connect import admin_transaction, database_url
from leadgen.migrate.run import migrate_snapshot
from leadgen.sync.cycle import CycleResult, sync_once
from leadgen.sync.reader import AirtableReader

RESULTS = Path(__file__).parent / "results" / "bench_sync.json"


async def new_tenant(url: str) -> str:
    slug = f"bench-sync-{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            await create_tenant(conn, slug=slug, name=slug)
    finally:
        await conn.close()
    return slug


def edit(emu: Emulator, edits: int, round_: int) -> None:
    """`edits` contact edits, 5 new contacts, 5 deleted messages — as users would."""
    s = emu.store
    contacts = s.list_records("Contacts")[edits * (round_ - 1):edits * round_]
    for i, c in enumerate(contacts):
        s.update_record("Contacts", c["id"], {"Job Title": f"Edited title {round_}.{i}"})
    company = s.list_records("Companies")[round_]["id"]
    for i in range(5):
        s.create_record("Contacts", {"Full Name": f"Bench Newcomer {round_}.{i}",
                                     "Company": [company]})
    for m in s.list_records("Messages")[:5]:
        s.delete_record("Messages", m["id"])


def cycle_figures(result: CycleResult, log_count: int, too_many: int) -> dict[str, Any]:
    return {
        "seconds": round(result.seconds, 2), "requests": result.requests,
        "emulator_saw": log_count, "rate_limited_429": too_many,
        "changed": result.changed, "deleted": result.deleted,
        "tables": result.tables,
    }


def run_cycle(url: str, emu: Emulator, slug: str, reader: AirtableReader) -> dict[str, Any]:
    emu.clear_request_log()
    result = asyncio.run(sync_once(url, emu.base_id, slug, reader))
    log = list(emu.request_log)
    return cycle_figures(result, len(log), sum(1 for r in log if r.status == 429))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0)
    args = parser.parse_args()

    url = database_url()
    asyncio.run(schema_migrate.upgrade(url))
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        snap = Path(tmp) / "snap"
        t0 = time.perf_counter()
        write_generated(snap, companies=args.companies, seed=args.seed)
        manifest = json.loads((snap / "manifest.json").read_text())
        records = sum(t["records"] for t in manifest["tables"].values())
        print(f"generated {records:,} records in {time.perf_counter() - t0:.1f}s")
        slug = asyncio.run(new_tenant(url))
        t0 = time.perf_counter()
        asyncio.run(migrate_snapshot(url, snap, slug, max_rejects=10**9))
        print(f"migrated into tenant {slug} in {time.perf_counter() - t0:.1f}s")
        with run_emulator(snap, rate_limit=args.rate, penalty_seconds=30.0) as emu:
            reader = AirtableReader.connect(emu.base_id, token=emu.token, endpoint=emu.url,
                                            rate_limit=args.rate)
            first = run_cycle(url, emu, slug, reader)
            print(f"first cycle: {first['requests']} requests, {first['seconds']}s")
            unchanged = run_cycle(url, emu, slug, reader)
            print(f"unchanged cycle: {unchanged['requests']} requests, "
                  f"{unchanged['seconds']}s, 429s: {unchanged['rate_limited_429']}")
            edited = []
            for round_ in (1, 2):
                edit(emu, args.edits, round_)
                edited.append(run_cycle(url, emu, slug, reader))
                print(f"cycle after edits (round {round_}): {edited[-1]['requests']} requests, "
                      f"{edited[-1]['seconds']}s, changed {edited[-1]['changed']}, "
                      f"deleted {edited[-1]['deleted']}")
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count()},
        "records": records, "companies": args.companies, "rate_limit": args.rate,
        "first_cycle": first, "unchanged_cycle": unchanged, "edited_cycles": edited,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
