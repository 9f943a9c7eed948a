"""The migrate bench's figures: the machine and server they come from, the summary written to
bench/results/bench_migrate.json, and the "Latest run" block of docs/benchmarks.md."""

from __future__ import annotations

import contextlib
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"


BEGIN, END = "<!-- bench_migrate: begin -->", "<!-- bench_migrate: end -->"


SERVER_SETTINGS = ("shared_buffers", "max_wal_size", "synchronous_commit", "autovacuum",
                   "wal_level")


def cpu_model() -> str:
    """The CPU's model name: runs on different machines differ by more than code changes do."""
    info: dict[str, str] = {}
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    model = info.get("model name") or platform.processor() or "unknown CPU"
    mhz = info.get("cpu MHz")
    return f"{model} at {float(mhz):.0f} MHz" if mhz else model


async def server_facts(server: str) -> dict[str, Any]:
    """Which PostgreSQL the figures come from, and the settings a bulk load feels."""
    conn = await asyncpg.connect(server)
    try:
        rows = await conn.fetch("SELECT name, current_setting(name) AS value "
                                "FROM unnest($1::text[]) AS name", list(SERVER_SETTINGS))
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    settings = {r["name"]: r["value"] for r in rows}
    named = bool(os.environ.get("LEADGEN_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL"))
    where = ("the server of LEADGEN_BENCH_DATABASE_URL / DATABASE_URL" if named
             else "the embedded server (.leadgen/bench-pg)")
    return {"server": where, "version": version, "settings": settings}


def summary(companies: int, seed: int, records: int, migrated: dict[str, Any],
            raw: dict[str, Any], floors: dict[str, dict[str, Any]],
            load_before: tuple[float, ...]) -> dict[str, Any]:
    seconds = migrated["migrate_seconds"]
    floor = floors["floor"]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
                   f"{os.cpu_count()} CPU, Python {platform.python_version()}",
        "cpu": cpu_model(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "command": f"bench/bench_migrate.py --companies {companies} --seed {seed}",
        "records": records,
        "rows_loaded": raw["rows"],
        **migrated,
        "records_per_second": round(records / seconds),
        "raw_copy_seconds": raw["seconds"],
        "raw_copy_client_cpu_seconds": raw["client_cpu_seconds"],
        "rows_per_table": raw["rows_per_table"],
        "raw_copy_per_table": raw["per_table"],
        "raw_copy_cpu_per_table": raw["cpu_per_table"],
        "ratio_migrate_to_raw_copy": round(seconds / raw["seconds"], 2),
        "floor_copy_seconds": floor["seconds"],
        "floor_records_per_second": round(records / floor["seconds"]),
        "ratio_migrate_to_floor": round(seconds / floor["seconds"], 2),
        "seconds_for_20k_per_second": round(records / 20000, 2),
        "floors": floors,
    }


def docs_block(r: dict[str, Any]) -> str:
    """The "Latest run" block of docs/benchmarks.md's Migrate section, from one run."""
    pg = r["postgresql"]
    settings = ", ".join(f"{k} {v}" for k, v in pg["settings"].items())
    floors = r["floors"]
    t = r.get("transform_process_cpu_seconds")
    lines = [
        BEGIN,
        f"### Latest run ({r['date']}; written by `bench/bench_migrate.py`)",
        "",
        f"- command: `./dev bench migrate` (= `{r['command']}`)",
        f"- machine: {r['machine']}; CPU: {r['cpu']}; load average (1/5/15 min) "
        f"{' / '.join(map(str, r['load_average_before']))} before, "
        f"{' / '.join(map(str, r['load_average_after']))} after",
        f"- PostgreSQL {pg['version']}, {pg['server']}: {settings}",
        "",
        "| measure | figure |",
        "|---|---:|",
        f"| records (Airtable) → rows committed | {r['records']:,} → {r['rows_loaded']:,} |",
        f"| **migrate, snapshot → committed** | **{r['migrate_seconds']} s = "
        f"{r['records_per_second']:,} records/s** (20,000/s = "
        f"{r['seconds_for_20k_per_second']} s) |",
        f"| unaccounted cells (of {r['cells']['non_empty']:,} non-empty) | {r['unaccounted']} |",
        f"| CPU: loading process / transform process | {r['migrate_python_cpu_seconds']} s / "
        f"{t if t is not None else '–'} s |",
        f"| peak memory: loading + transform process | {r['peak_rss_mb']} + "
        f"{r.get('transform_process_peak_rss_mb') or 0} = "
        f"{r['peak_rss_both_processes_mb']} MB |",
        f"| re-run of the same snapshot (rows changed) | {r['rerun_seconds']} s "
        f"({r['rerun_changed_rows']}) |",
        f"| **raw COPY** of the produced rows into temp tables; ratio migrate / raw | "
        f"{r['raw_copy_seconds']} s; **{r['ratio_migrate_to_raw_copy']}** |",
        f"| floor: COPY into the real tables (every trigger and FK); ratio | "
        f"{r['floor_copy_seconds']} s; {r['ratio_migrate_to_floor']} |",
        f"| the same without triggers or FK checks (`no_triggers`) | "
        f"{floors['no_triggers']['seconds']} s |",
        f"| the transform alone (in memory, one thread) | {r['transform_alone_seconds']} s |",
        END,
    ]
    return "\n".join(lines)


def update_docs(block: str, path: Path = DOCS) -> None:
    """Replace the block between the markers (inside "## Migrate"); nothing else changes."""
    doc = path.read_text("utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{path} has no {BEGIN} … {END} block: add one under '## Migrate'")
    path.write_text(pattern.sub(lambda _: block, doc), "utf-8")
