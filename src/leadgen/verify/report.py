"""The verify report: a JSON document for machines, a summary a person reads at a glance, the
cutover verdict, and `VerifyFailed` (exit 9) when anything unexpected was found.

Exit codes of `leadgen verify`: 0 no unexpected difference (whatever the cutover verdict),
9 unexpected differences (VerifyFailed), plus the shared ones (2 bad input, 4 no database,
7 mapping does not cover the base, 8 unknown tenant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from leadgen.airtable.snapshot import write_json_atomic
from leadgen.errors import LeadgenError
from leadgen.terminal import print_table, stacked, summary_table
from leadgen.verify.queries import QueryCheck
from leadgen.verify.rows import Difference

SHOWN = 25  # differences printed on the terminal (the JSON report has all of them)


class VerifyFailed(LeadgenError):
    """The tenant's data differs from the snapshot in ways no rule of the mapping explains."""

    exit_code = 9
    http_status = 409


@dataclass
class TableCount:
    table: str
    airtable_table: str | None
    expected: int
    actual: int
    compared: int = 0  # rows found on both sides and compared column by column
    differences: int = 0
    cells: int = 0  # compared rows × mapped columns


@dataclass
class Cutover:
    """Ready for cutover only with a fresh sync, a clean verify and a clean ledger."""

    ready: bool
    blockers: list[str]
    last_sync: dict[str, Any] | None
    ledger: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {"ready": self.ready, "blockers": self.blockers, "last_sync": self.last_sync,
                "ledger": self.ledger}


@dataclass
class VerifyReport:
    tenant: str
    tenant_id: str
    snapshot: str
    base_id: str
    sample: int | None
    seconds: float = 0.0
    counts: list[TableCount] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    expected_rejects: list[dict[str, Any]] = field(default_factory=list)
    reject_notes: list[str] = field(default_factory=list)
    queries: list[QueryCheck] = field(default_factory=list)
    library: list[dict[str, Any]] = field(default_factory=list)
    cutover: Cutover | None = None

    @property
    def unexpected(self) -> int:
        return len(self.differences) + sum(len(q.unexpected) for q in self.queries)

    @property
    def cells_compared(self) -> int:
        return sum(c.cells for c in self.counts)

    def as_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant, "tenant_id": self.tenant_id, "snapshot": self.snapshot,
            "base_id": self.base_id, "sample": self.sample, "seconds": round(self.seconds, 3),
            "ok": self.unexpected == 0, "unexpected": self.unexpected,
            "tables": [c.__dict__ for c in self.counts],
            "differences": [d.as_json() for d in self.differences],
            "expected_differences": {"rejects": self.expected_rejects,
                                     "notes": self.reject_notes},
            "queries": [q.as_json() for q in self.queries],
            "library": self.library,
            "cutover": self.cutover.as_json() if self.cutover else None,
        }

    def write(self, path: Path) -> None:
        write_json_atomic(path, self.as_json())

    def raise_for_differences(self) -> None:
        if self.unexpected:
            first = self.differences[0].as_json() if self.differences else next(
                q.unexpected[0] for q in self.queries if q.unexpected)
            raise VerifyFailed(
                f"verify found {self.unexpected} unexpected difference"
                f"{'s' if self.unexpected != 1 else ''} (first: {first})",
                hint="read them in the summary above or the --report file; re-run "
                     "`leadgen migrate` (or `leadgen sync --once`) if PostgreSQL was edited")

    def render(self, console: Console) -> None:
        scope = f"sample of {self.sample} records per table" if self.sample else "every record"
        console.print(f"[bold]verify tenant {self.tenant} against {self.snapshot}[/] ({scope})",
                      highlight=False)
        t = summary_table("rows per table: expected from the snapshot, actual in PostgreSQL")
        for name in ("table", "from", "expected", "actual", "compared", "diffs"):
            t.add_column(name, justify="left" if name in ("table", "from") else "right")
        for c in self.counts:
            bad = c.differences or c.expected != c.actual
            t.add_row(c.table, c.airtable_table or "", f"{c.expected:,}",
                      f"[red]{c.actual:,}[/]" if c.expected != c.actual else f"{c.actual:,}",
                      f"{c.compared:,}", f"[red]{c.differences:,}[/]" if bad else "0")
        print_table(console, t)
        if self.differences:
            console.print(f"[bold]unexpected differences[/] ({len(self.differences)}, "
                          f"first {SHOWN})", highlight=False)
            for diff in self.differences[:SHOWN]:
                j = diff.as_json()
                where = escape(" ".join(str(p) for p in (j["table"], j["record"], j["field"]) if p))
                stacked(console, f"{j['kind']}: {where}",
                        [("expected", escape(_short(j["expected"]))),
                         ("actual", escape(_short(j["actual"])))])
        console.print("[bold]workflow queries[/]: PostgreSQL vs the formula over the snapshot "
                      "(as mapped: over what the mapping made of each record)", highlight=False)
        for check in self.queries:
            unexpected = (f"[red]{len(check.unexpected):,}[/]" if check.unexpected else "0")
            stacked(console, escape(check.name),
                    [("airtable", f"{check.airtable:,}"), ("as mapped", f"{check.mapped:,}"),
                     ("postgres", f"{check.postgres:,}"),
                     ("explained", f"{len(check.explained):,}"), ("unexpected", unexpected)])
        explained = [(c.name, e) for c in self.queries for e in c.explained]
        if explained:
            console.print(f"[bold]explained query differences[/] ({len(explained)}, first "
                          f"{SHOWN}; the --report file has every reason)", highlight=False)
            for name, item in explained[:SHOWN]:
                stacked(console, escape(f"{_short(name)}: {item['record']} ({item['side']})"),
                        [("reason", escape(_short(item["reason"], 120)))])
        for entry in self.library:
            if entry["status"] != "compared":
                console.print(f"  n8n {entry['name']}: {entry['status']}", highlight=False)
        console.print(
            f"expected differences (rejects of the mapping): {len(self.expected_rejects)}   "
            f"cells compared: {self.cells_compared:,}   time: {self.seconds:.2f}s", highlight=False)
        for note in self.reject_notes:
            console.print(f"  note: {note}", highlight=False)
        verdict = ("[bold green]no unexpected difference[/]" if not self.unexpected
                   else f"[bold red]{self.unexpected} unexpected differences[/]")
        console.print(verdict)
        if self.cutover is not None:
            if self.cutover.ready:
                console.print("[bold green]ready for cutover[/]")
            else:
                console.print("[bold yellow]not ready for cutover[/]:")
                for b in self.cutover.blockers:
                    console.print(f"  - {b}", highlight=False)


def _short(value: Any, width: int = 48) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
