"""Every summary a command prints is readable at 80 columns: no header or cell cut to "…", no
line wider than the terminal, every figure printed whole.

The data is the customer's base at full size: the 10 Airtable tables, the target tables with
the longest names (`crm_event_participants`, `company_enrichment_l2`), counts in the hundred
thousands and cells in the millions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from leadgen import terminal
from leadgen.airtable.export.progress import ExportProgress, ExportSummary, TableResult
from leadgen.airtable.generate.cli import print_summary
from leadgen.migrate.ledger import OUTCOMES
from leadgen.migrate.load.stager import LOAD_ORDER
from leadgen.migrate.report import MigrationReport
from leadgen.n8n.commands import print_conversion
from leadgen.n8n.convert import Report
from leadgen.sync.commands import render_status
from leadgen.verify.queries import QueryCheck
from leadgen.verify.report import TableCount, VerifyReport

WIDTH = 80
AIRTABLE = {  # records per table of a large customer base
    "Companies": 184_250, "Contacts": 737_004, "Messages": 921_377, "Owners": 12,
    "Activity": 402_118, "CRM Events": 96_340, "research_directory": 55_871,
    "Tasks": 148_906, "audit_log": 611_245, "Campaigns": 1_204,
}
FROM = {"companies": "Companies", "company_enrichment_l2": "Companies", "contacts": "Contacts",
        "contact_enrichment": "Contacts", "messages": "Messages", "owners": "Owners",
        "activities": "Activity", "crm_events": "CRM Events",
        "crm_event_participants": "CRM Events", "tasks": "Tasks",
        "research_assets": "research_directory", "audit_log": "audit_log",
        "campaigns": "Campaigns"}


@pytest.fixture
def out(monkeypatch: pytest.MonkeyPatch) -> Console:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    return terminal.console()


def rendered(out: Console, draw: Any) -> str:
    with out.capture() as cap:
        draw(out)
    return cap.get()


def _whole(figure: str, text: str) -> bool:
    return re.search(rf"(?<!\S){re.escape(figure)}(?![^\s:,)])", text) is not None


def assert_readable(text: str, figures: list[str | int], width: int = WIDTH) -> None:
    """No line over `width`, no "…", and each figure whole on one line: a name, or a count
    written 412,345 or 412345."""
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not wide, "\n".join(wide)
    assert "…" not in text, text
    lost = [f for f in figures if not (_whole(f, text) if isinstance(f, str)
                                       else _whole(f"{f:,}", text) or _whole(str(f), text))]
    assert not lost, (lost, text)


def migration_report() -> MigrationReport:
    tables: dict[str, dict[str, Any]] = {}
    for i, (name, records) in enumerate(AIRTABLE.items()):
        rejected = (i * 7) % 13
        cells = {"non_empty": records * 23, "loaded": records * 19, "derived": records * 2,
                 "dropped": records * 2 - rejected, "rejected": rejected}
        tables[name] = {"records": records, "loaded": records - rejected, "rejected": rejected,
                        "cells": cells}
    totals = {k: sum(t["cells"][k] for t in tables.values()) for k in ("non_empty", *OUTCOMES)}
    return MigrationReport(
        tenant="acme-gmbh", tenant_id="7c1e0c9e-3f4a-4bb8-9a40-5a3f1d1f6a01",
        base_id="appQx7LmN2pR4sT6v", snapshot="snapshots/acme-2026-12-01", run_id="run-1",
        started_at="2026-12-01T21:00:00Z", seconds=154.2, tables=tables, cells=totals,
        unaccounted=0, rejects=[{"table": "Contacts"}] * 62,
        findings={"url_shaped_domain": {"count": 4_211, "examples": ["https://acme.de/"]}})


def test_migrate_summary_fits_80_columns(out: Console) -> None:
    report = migration_report()
    text = rendered(out, report.render)
    figures: list[str | int] = [*AIRTABLE, "total", report.records, report.cells["non_empty"]]
    for t in report.tables.values():
        figures += [t["records"], t["loaded"], t["cells"]["non_empty"], t["cells"]["loaded"],
                    t["cells"]["derived"]]
    assert_readable(text, figures)
    assert "unaccounted cells: 0" in text


def verify_report() -> VerifyReport:
    report = VerifyReport(tenant="acme-gmbh", tenant_id="7c1e0c9e", base_id="appQx7LmN2pR4sT6v",
                          snapshot="snapshots/acme-2026-12-01", sample=None, seconds=212.9)
    for table in LOAD_ORDER:
        airtable = FROM.get(table)
        rows = AIRTABLE.get(airtable or "", 31_337) * (3 if table.endswith("participants") else 1)
        report.counts.append(TableCount(table, airtable, rows, rows, rows, 0, rows * 17))
    report.queries.append(QueryCheck(
        "orchestrator: unprocessed contacts of *Batch 2026-11 DACH Manufacturing* owned by "
        "Michal Novak", "AND({Batch}='x', NOT({processed_enrich}))", "SELECT 1",
        airtable=18_402, postgres=18_402))
    return report


def test_verify_summary_fits_80_columns(out: Console) -> None:
    report = verify_report()
    text = rendered(out, report.render)
    figures: list[str | int] = [c.table for c in report.counts]
    figures += [c.expected for c in report.counts]
    figures += [c.airtable_table for c in report.counts if c.airtable_table]
    assert_readable(text, figures)
    assert "no unexpected difference" in text


def test_export_summary_fits_80_columns(out: Console) -> None:
    summary = ExportSummary(base_id="appQx7LmN2pR4sT6v", out="snapshots/acme-2026-12-01",
                            complete=True, seconds=6_301.7,
                            stats={"requests": 31_584, "retries": 12, "rate_limited": 1})
    summary.tables = [TableResult(f"tbl{i:014d}", name, records, records / 480, "read", i % 2)
                      for i, (name, records) in enumerate(AIRTABLE.items())]
    text = rendered(out, summary.render)
    assert_readable(text, [*AIRTABLE, *AIRTABLE.values(), 31_584])


def test_generate_summary_fits_80_columns(out: Console) -> None:
    base: Any = SimpleNamespace(base_id="appLeadgenDemo001", counts=lambda: AIRTABLE,
                                total_records=sum(AIRTABLE.values()))
    text = rendered(out, lambda c: print_summary(c, base, Path("snapshots/acme"), 83.4))
    assert_readable(text, [*AIRTABLE, *AIRTABLE.values()])


def test_sync_status_fits_80_columns(out: Console) -> None:
    now = datetime.now(UTC)
    cycles = [{"started_at": now - timedelta(minutes=i), "status": "drift" if i == 3 else "ok",
               "changed": 12_408 * i, "deleted": 311 * i, "rejected": i, "requests": 2_406 * i,
               "lag_seconds": 61.0 * i} for i in range(10)]
    bases = [{"base_id": "appQx7LmN2pR4sT6v", "last_cycle_at": now, "last_status": "ok",
              "interval_seconds": 60, "watermark": now.isoformat(), "last_message": None,
              "cycles": cycles}]
    text = rendered(out, lambda c: render_status(c, "acme-gmbh", bases))
    figures: list[str | int] = ["drift", "started", "requests"]
    for c in cycles:
        figures += [c["changed"], c["deleted"], c["requests"]]
    assert_readable(text, figures)


def test_console_width_honours_columns_and_defaults_to_80(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "132")
    assert terminal.console().width == 132
    monkeypatch.setenv("COLUMNS", "not-a-number")
    assert terminal.console().width == terminal.DEFAULT_WIDTH  # pytest's stdout is no terminal
    monkeypatch.delenv("COLUMNS")
    assert terminal.console(stderr=True).width == terminal.DEFAULT_WIDTH


def test_a_table_too_wide_is_printed_as_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 40 columns the verify table cannot fit: each row becomes a block, nothing is cut."""
    monkeypatch.setenv("COLUMNS", "40")
    narrow = terminal.console()
    report = verify_report()
    text = rendered(narrow, report.render)
    figures: list[str | int] = [c.table for c in report.counts]
    figures += [c.expected for c in report.counts]
    assert_readable(text, [*figures, "expected", "compared"], width=40)


def test_export_progress_bars_fit_80_columns(out: Console) -> None:
    """A bar per table with hundred-thousand counts: the bar gives way, the figures do not."""
    progress = ExportProgress(out, enabled=False)
    for name, records in AIRTABLE.items():
        task = progress.add_table(name, records if records > 100_000 else None)
        progress.start_table(task)
        progress.advance(task, records - 1)
    text = rendered(out, lambda c: c.print(progress.progress.make_tasks_table(
        progress.progress.tasks)))
    assert_readable(text, [*AIRTABLE, *(f"{n - 1:,}/{n:,}" for n in AIRTABLE.values()
                                        if n > 100_000)])


def test_n8n_conversion_report_fits_80_columns(out: Console) -> None:
    """Node names and messages come from the customer's workflow and can be long."""
    report = Report("Lead pipeline: enrich, triage and push the DACH batch to Lemlist")
    node = "Get unprocessed contacts of the current batch [DACH]"
    report.converted.append({"node": node, "from": "airtable search Contacts",
                             "to": "postgres select contacts"})
    report.issue("warning", "formula_untranslated", {"name": node},
                 "filterByFormula uses REGEX_MATCH({LinkedIn URL}, '^https://(www\\.)?linkedin"
                 "\\.com/in/') which has no SQL translation; the node keeps the Airtable filter")
    text = rendered(out, lambda c: print_conversion(c, [report]))
    assert_readable(text, ["formula_untranslated", "REGEX_MATCH({LinkedIn", "[DACH]"])
