"""The Export section of docs/benchmarks.md, written from one run of bench_export.py.

Everything the bench writes sits between the two markers below, so the rest of the page (and
its order) can be edited by hand; a page without the markers gets its old "## Export" section
replaced by the heading and the marked block, or the block appended.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import export_faults

DOCS = Path(__file__).parent.parent / "docs" / "benchmarks.md"
BEGIN = "<!-- bench_export: begin -->"
END = "<!-- bench_export: end -->"
PYAIRTABLE_RETRY = "https://github.com/gtalarico/pyairtable/blob/main/pyairtable/api/retrying.py"


TUNING = [
    "How the pacer's settings were chosen (same command, same box, 2026-11-25, while other",
    'work loaded it; "closest 6" = the shortest time the emulator saw 6 consecutive',
    "admitted requests span, which must stay ≥ 1 s; base sizes differ because the generator",
    "changed during the day):",
    "",
    "| pacer setting | records | share of 500/s | 429s | closest 6 | load avg |",
    "|---|---:|---:|---:|---:|---:|",
    "| 20 ms margin | 21,303 | 93.3% | 0 | – | ~6 |",
    "| 10 ms margin | 21,357 | 95.3% | 0 | 1.0073 s | ~6 |",
    "| 10 ms margin | 21,342 | 93.7% | 0 | 1.0002 s | ~6.6 |",
    "| 20 ms margin | 21,342 | 55.8% | **1** (30 s penalty) | – | ~7 |",
    "| 20 ms margin | 62,630 | 94.5% | 0 | – | ~7 |",
    "| 10 ms + half the latency excess | 20,602 | 95.0% | 0 | 1.0062 s | ~7.5 |",
    "| 10 ms + half the latency excess | 62,384 | 76.5% | **1** | 0.9741 s | ~10 |",
    "| 10 ms + whole latency excess (default) | 20,602 | 90.0% | 0 | 1.0121 s | ~8.6 |",
    "| 10 ms + whole latency excess (default) | 62,384 | 94.0% | 0 | 1.0110 s | ~8.5 |",
    "",
    "A fixed margin cannot absorb the 20-40 ms by which a loaded box compresses arrivals, and",
    "one 429 costs more than all the margin saves; the default therefore also widens each",
    "window by how much slower than the fastest recent answer its first request was answered",
    "(capped at 0.2 s). It shrinks when answers come back at a steady pace: on the loaded box",
    "it cost 2-15 % against zero 429s; on an idle one (the run at the top) 1-1.5 %.",
    "",
]


def docs_section(result: dict[str, Any]) -> str:
    """The Export block of docs/benchmarks.md (between the markers), from one run's figures."""
    m = result["machine"]
    lines = [
        BEGIN,
        "`export_base` (paced, resumable) vs a plain pyairtable `Table.all()` loop, against the",
        f"emulator with Airtable's real limits ({result['emulator']['rate_limit']:g} requests/s",
        f"per base, {result['emulator']['penalty_seconds']:g} s penalty after a 429), emulator in "
        "its own process.",
        "Written by `bench/bench_export.py`; figures in `bench/results/bench_export.json`.",
        "",
        f"- command: `{result['command']}`",
        f"- date: {result['date']}",
        f"- machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}, "
        f"load average at start {m.get('load_average', '?')}",
        f"- exporter: margin {result['exporter']['margin']} s per window, "
        f"{result['exporter']['concurrency']} tables at once",
        "",
        "| base | records | pages + schema | seconds | records/s | share of 500/s "
        "| best possible | 429s | requests | records equal source |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in result["runs"]:
        b, e = run["base"], run["export_base"]
        lines.append(
            f"| {b['companies']} companies | {b['records']:,} | {b['pages'] + 1} | {e['seconds']} "
            f"| {e['records_per_second']} | {e['share_of_ceiling']:.1%} "
            f"| {e['best_possible_share']:.1%} | {e['server']['status_429']} "
            f"| {e['server']['requests']} | {e['records_equal_source']} |"
        )
    lines += [
        "",
        '"Best possible" is every page plus the schema call at exactly 5 requests/s: each table\'s',
        "last page is partial, so no client reaches 500 records/s on a 10-table base.",
        "",
    ]
    lines += export_faults.docs_lines(result)
    lines += TUNING
    plain = next(
        (r["plain_pyairtable_all"] for r in result["runs"] if r["plain_pyairtable_all"]), None
    )
    if plain:
        lines += [
            "Plain pyairtable on the same base (`Api(token).table(base, t).all()` for each table, "
            "default retry):",
            f"{plain['records_fetched']:,} records, {plain['tables_done']}/{plain['tables']} "
            f"tables, {plain['server']['status_429']} × 429, {plain['seconds']} s, then "
            f"`{plain['error'] or 'finished'}`. Its urllib3 retry (5 tries, backoff factor 0.1:"
            f" {PYAIRTABLE_RETRY}) gives up after ~3 s, far inside the 30 s penalty.",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def update_docs(section: str, path: Path = DOCS) -> None:
    """Replace only the marked block (or, the first time, the old "## Export" section)."""
    doc = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    marked = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    old_section = re.compile(r"^## Export\n.*?(?=^## |\Z)", re.S | re.M)
    if marked.search(doc):
        doc = marked.sub(lambda _: section, doc)
    elif old_section.search(doc):
        doc = old_section.sub(lambda _: "## Export\n\n" + section + "\n\n", doc)
    else:
        doc = doc.rstrip() + "\n\n## Export\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, "utf-8")
