"""What a person watches during an export: a bar per table, then a one-screen summary.

Airtable gives no record counts, so a bar's total is the count from the previous manifest
when there is one (a resumed or repeated export) and indeterminate otherwise. The summary
states throughput as a share of the ceiling: 5 requests/s × 100 records a page = 500 records/s
per base (https://airtable.com/developers/web/api/rate-limits and the page size of
https://airtable.com/developers/web/api/list-records).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from leadgen.airtable.export.pacing import AIRTABLE_PAGE_SIZE
from leadgen.terminal import print_table, summary_table


class RecordsColumn(ProgressColumn):
    """`1,200/4,000 records`, or `1,200/? records` when the total is unknown."""

    def render(self, task: Task) -> Text:
        total = f"{int(task.total):,}" if task.total is not None else "?"
        return Text(f"{int(task.completed):,}/{total}", style="progress.download")


class RateColumn(ProgressColumn):
    """Records per second: recent speed while reading, the table's average once done."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        speed = task.speed if not task.stop_time else None
        if speed is None and elapsed > 0:
            speed = task.completed / elapsed
        return Text(f"{speed:,.0f} rec/s" if speed else "– rec/s", style="progress.data.speed")


class ExportProgress:
    """Thread-safe per-table progress bars (rich's Progress locks internally)."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        # The figures never wrap or get cut; the bar takes what they leave of the width.
        self.progress = Progress(
            TextColumn("[bold]{task.description:<20}", table_column=Column(no_wrap=True)),
            BarColumn(bar_width=None),
            RecordsColumn(table_column=Column(no_wrap=True)),
            RateColumn(table_column=Column(no_wrap=True)),
            TimeElapsedColumn(table_column=Column(no_wrap=True)),
            TextColumn("eta", table_column=Column(no_wrap=True)),
            TimeRemainingColumn(table_column=Column(no_wrap=True)),
            console=console,
            disable=not enabled,
            refresh_per_second=4,
        )

    def __enter__(self) -> ExportProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def add_table(self, name: str, total: int | None) -> TaskID:
        return self.progress.add_task(name[:20], total=total, start=False)

    def start_table(self, task: TaskID) -> None:
        self.progress.start_task(task)

    def advance(self, task: TaskID, records: int) -> None:
        self.progress.advance(task, records)

    def finish_table(self, task: TaskID, records: int, note: str = "") -> None:
        self.progress.update(task, total=records, completed=records)
        if note:
            current = self.progress.tasks[task].description
            self.progress.update(task, description=f"{current} {note}")
        self.progress.stop_task(task)


@dataclass
class TableResult:
    table_id: str
    name: str
    records: int = 0
    seconds: float = 0.0
    status: str = "pending"  # read | kept | failed | cancelled | pending
    restarts: int = 0


@dataclass
class ExportSummary:
    """The figures of one run, for the terminal and for `--report`."""

    base_id: str
    out: str
    complete: bool = False
    seconds: float = 0.0
    rate_limit: float = 5.0
    tables: list[TableResult] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    pacing: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def records_read(self) -> int:
        return sum(t.records for t in self.tables if t.status == "read")

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds > 0 else 0.0

    @property
    def ceiling(self) -> float:
        return self.rate_limit * AIRTABLE_PAGE_SIZE

    def as_dict(self) -> dict[str, Any]:
        return {
            "base_id": self.base_id,
            "out": self.out,
            "complete": self.complete,
            "tables_read": sum(t.status == "read" for t in self.tables),
            "tables_kept": sum(t.status == "kept" for t in self.tables),
            "tables": [
                {
                    "id": t.table_id,
                    "name": t.name,
                    "status": t.status,
                    "records": t.records,
                    "seconds": round(t.seconds, 3),
                    "iterator_restarts": t.restarts,
                }
                for t in self.tables
            ],
            "records_read": self.records_read,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.records_per_second, 1),
            "ceiling_records_per_second": self.ceiling,
            "share_of_ceiling": round(self.records_per_second / self.ceiling, 4),
            **self.stats,
            "pacing": self.pacing,
        }

    def render(self, console: Console) -> None:
        console.print(f"[bold]export of {self.base_id} → {self.out}[/]", highlight=False)
        table = summary_table()
        table.add_column("table")
        table.add_column("status")
        table.add_column("records", justify="right")
        table.add_column("seconds", justify="right")
        table.add_column("restarts", justify="right")
        for t in self.tables:
            secs = f"{t.seconds:.1f}" if t.status == "read" else ""
            table.add_row(t.name, t.status, f"{t.records:,}", secs, str(t.restarts or ""))
        print_table(console, table)
        s = self.stats
        share = self.records_per_second / self.ceiling if self.ceiling else 0.0
        console.print(
            f"{sum(t.status == 'read' for t in self.tables)} tables read, "
            f"{sum(t.status == 'kept' for t in self.tables)} kept from the last run · "
            f"{self.records_read:,} records · {s.get('requests', 0):,} requests · "
            f"{s.get('retries', 0)} retries · {s.get('rate_limited', 0)} × 429 · "
            f"{s.get('iterator_restarts', 0)} iterator restarts · {self.seconds:.1f} s · "
            f"{self.records_per_second:,.0f} records/s = {share:.1%} of the "
            f"{self.ceiling:,.0f} records/s ceiling",
            highlight=False,
        )
        state = "complete" if self.complete else "INCOMPLETE (re-run the same command to resume)"
        console.print(f"snapshot {state}", highlight=False)
