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
    "How the pacer's settings were chosen, with the runs behind them: docs/decisions.md.",
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
