"""The one place that builds rich consoles and summary tables for the terminal.

Every command prints through `console()`, so width is decided once: `COLUMNS` when it is set
(POSIX's variable for the terminal's width in columns,
https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap08.html), the terminal's
own width when the stream is a terminal, and 80 columns when output goes to a file or a pipe
(rich would otherwise borrow the width of whatever terminal stdin is).

Tables come from `summary_table()`: no vertical borders and collapsed padding, so a table of
the customer's base (table names like `crm_event_participants`, counts in the hundred
thousands) fits 80 columns. `print_table()` prints it as a table when its widest row fits
the console and otherwise one block per row (the first cell, then a `header  value` line
per column), so no header or cell is ever cut to "recor…".
"""

from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table

DEFAULT_WIDTH = 80  # output to a file or a pipe, COLUMNS unset
MIN_WIDTH = 20  # a COLUMNS below this is a mistake; ignore it


def console_width(*, stderr: bool = False) -> int | None:
    """The width to render at, or None to let rich ask the terminal."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) >= MIN_WIDTH:
        return int(columns)
    stream = sys.stderr if stderr else sys.stdout
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        interactive = False
    return None if interactive else DEFAULT_WIDTH


def console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) sized as the module docstring says."""
    return Console(stderr=stderr, width=console_width(stderr=stderr))


def summary_table(title: str | None = None) -> Table:
    """A compact table: a rule under the header, columns two spaces apart, no outer edge."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                 pad_edge=False, collapse_padding=True)


def fits(out: Console, table: Table) -> bool:
    """Whether every header and cell of the table fits the console's width unwrapped."""
    unbounded = out.options.update_width(10 * out.width)  # Measurement clamps to max_width
    return Measurement.get(out, unbounded, table).maximum <= out.width


def print_table(out: Console, table: Table) -> None:
    """The table if it fits; otherwise each row as a block, so nothing is cut."""
    if fits(out, table):
        out.print(table)
        return
    if table.title:
        out.print(table.title, style="table.title", highlight=False)
    headers = [str(c.header) for c in table.columns]
    rows = list(zip(*(list(c.cells) for c in table.columns), strict=True))
    for row in rows:
        first, *rest = row
        out.print(first, style="bold", highlight=False)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(justify="left", overflow="fold")
        for header, cell in zip(headers[1:], rest, strict=True):
            grid.add_row(header, cell)
        out.print(Padding(grid, (0, 0, 0, 2)))


def stacked(out: Console, heading: RenderableType, fields: list[tuple[str, str]]) -> None:
    """One record as a heading line and an indented `name value · name value` line."""
    out.print(heading, highlight=False)
    if fields:
            out.print(Padding("  ·  ".join(f"{name} {value}" for name, value in fields),
                          (0, 0, 0, 2)), highlight=False)
