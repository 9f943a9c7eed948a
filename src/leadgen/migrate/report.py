"""The migration report: the JSON a machine reads and the pgloader-style table a person reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from leadgen.airtable.snapshot import write_json_atomic
from leadgen.errors import LeadgenError, LoadRejected
from leadgen.migrate.ledger import OUTCOMES, Ledger
from leadgen.terminal import print_table, stacked, summary_table


@dataclass
class MigrationReport:
    tenant: str
    tenant_id: str
    base_id: str
    snapshot: str
    run_id: str
    started_at: str
    seconds: float
    tables: dict[str, dict[str, Any]]
    cells: dict[str, int]
    unaccounted: int
    rejects: list[dict[str, Any]]
    findings: dict[str, dict[str, Any]]
    changed_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    max_rejects: int = 0

    @classmethod
    def from_ledger(cls, ledger: Ledger, **kw: Any) -> MigrationReport:
        return cls(tables=ledger.tables_json(), cells=ledger.cells(),
                   unaccounted=ledger.unaccounted,
                   rejects=[r.as_json() for r in ledger.rejects],
                   findings=ledger.findings_json(), **kw)

    @property
    def records(self) -> int:
        return sum(t["records"] for t in self.tables.values())

    def exit_code(self, max_rejects: int = 0) -> int:
        if self.unaccounted:
            return 1
        return 3 if len(self.rejects) > max_rejects else 0

    def raise_for_rejects(self, max_rejects: int = 0) -> None:
        """LoadRejected (exit 3) when there are more rejects than allowed."""
        if self.unaccounted:
            raise LeadgenError(f"{self.unaccounted} cells are unaccounted for",
                               hint="this is a bug in the migration; please report it")
        if len(self.rejects) > max_rejects:
            raise LoadRejected(
                f"loaded, but {len(self.rejects)} values were rejected "
                f"(allowed: {max_rejects})",
                hint="read the rejects in the report (--report FILE) or the migration_rejects "
                     "table, fix them in Airtable and re-run, or raise --max-rejects",
            )

    def as_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant, "tenant_id": self.tenant_id, "base_id": self.base_id,
            "snapshot": self.snapshot, "run_id": self.run_id, "started_at": self.started_at,
            "seconds": round(self.seconds, 3), "records": self.records,
            "tables": self.tables, "cells": self.cells, "unaccounted": self.unaccounted,
            "rejects": self.rejects, "findings": self.findings,
            "changed_rows": self.changed_rows, "timings": self.timings,
            "max_rejects": self.max_rejects, "exit_code": self.exit_code(self.max_rejects),
        }

    def write(self, path: Path) -> None:
        write_json_atomic(path, self.as_json())

    def render(self, console: Console) -> None:
        """Records and cells per table as two tables, so each fits 80 columns."""
        console.print(f"[bold]migrate {self.snapshot} → tenant {self.tenant}[/]", highlight=False)
        rec = summary_table("records")
        cells = summary_table("non-empty cells: loaded, derived, dropped or rejected")
        for r_name in ("table", "records", "loaded", "rejected"):
            rec.add_column(r_name, justify="left" if r_name == "table" else "right")
        for c_name in ("table", "cells", *OUTCOMES):
            cells.add_column(c_name, justify="left" if c_name == "table" else "right")

        def line(name: str, records: int, loaded: int, rejected: int, c: dict[str, int]) -> None:
            rec.add_row(name, f"{records:,}", f"{loaded:,}", _red(rejected))
            cells.add_row(name, f"{c['non_empty']:,}",
                          *(_red(c[o]) if o == "rejected" else f"{c[o]:,}" for o in OUTCOMES))

        for name, c in self.tables.items():
            line(name, c["records"], c["loaded"], c["rejected"], c["cells"])
        rec.add_section()
        cells.add_section()
        line("total", self.records, sum(c["loaded"] for c in self.tables.values()),
             sum(c["rejected"] for c in self.tables.values()), self.cells)
        print_table(console, rec)
        print_table(console, cells)
        console.print(f"unaccounted cells: {self.unaccounted}   rejects: {len(self.rejects)}   "
                      f"time: {self.seconds:.2f}s   ({self.records / max(self.seconds, 1e-9):,.0f}"
                      " records/s)")
        if self.findings:
            console.print("[bold]findings[/]")
            for name, item in self.findings.items():
                example = str(item["examples"][0]) if item["examples"] else ""
                stacked(console, f"{escape(name)}: {item['count']:,}",
                        [("e.g.", escape(example[:90]))] if example else [])


def _red(n: int) -> str:
    return f"[red]{n:,}[/]" if n else "0"
