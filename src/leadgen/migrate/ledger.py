"""The ledger: every non-empty cell of the snapshot ends in exactly one of four columns.

    loaded   the value (transformed) is in a target column / junction / tag / split row
    derived  the value is held elsewhere (the other side of a link, the record's createdTime,
             or a legacy owner text that filled an empty link)
    dropped  not loaded by a rule of the mapping (kept in airtable_records)
    rejected could not be loaded: a Reject with table, record, field, raw value and reason

`unaccounted = non_empty - (loaded + derived + dropped + rejected)` must be 0; the migration
refuses to load otherwise. Findings are facts about the data worth a look that lose nothing
(or whose loss is already a reject): extra company links, multi-batch contacts, …
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson

LOADED, DERIVED, DROPPED, REJECTED = 0, 1, 2, 3
OUTCOMES = ("loaded", "derived", "dropped", "rejected")
FINDING_EXAMPLES = 50  # examples kept per finding in the report (the count is always full)


@dataclass(frozen=True)
class Reject:
    table: str  # Airtable table name
    record_id: str
    field: str | None  # Airtable field name (None: the whole record)
    value: Any
    reason: str  # "<code>: <detail>", code one of the REASONS below

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "record_id": self.record_id, "field": self.field,
                "value": self.value, "reason": self.reason}


REASONS = (
    "overflow", "not null without a value", "NUL byte", "dangling link", "unknown choice",
    "unparseable date", "invalid value", "duplicate", "unmatched company", "ambiguous company",
    "row not loaded",
)


@dataclass
class TableCount:
    records: int = 0
    loaded: int = 0  # records whose target row was loaded
    rejected: int = 0  # records with at least one rejected cell (or no row)
    cells: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    non_empty: int = 0


@dataclass
class Finding:
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


class Ledger:
    """Counts per table and outcome, the rejects, and the findings."""

    def __init__(self) -> None:
        self.tables: dict[str, TableCount] = {}
        self.rejects: list[Reject] = []
        self.findings: dict[str, Finding] = {}

    def table(self, name: str) -> TableCount:
        tc = self.tables.get(name)
        if tc is None:
            tc = self.tables[name] = TableCount()
        return tc

    def reject(self, table: str, record_id: str, field_name: str | None, value: Any,
               reason: str) -> None:
        self.rejects.append(Reject(table, record_id, field_name, value, reason))

    def find(self, kind: str, table: str, record_id: str, field: str | None,
             **detail: Any) -> None:
        """A finding about one record. Its example names the Airtable table, record id and
        field (None: the record as a whole), so a user can open the record in Airtable."""
        self._note(kind, {"table": table, "record_id": record_id, "field": field, **detail})

    def summarise(self, kind: str, **detail: Any) -> None:
        """A finding about the run as a whole (a batch name's spellings, a tally)."""
        self._note(kind, detail)

    def _note(self, kind: str, example: dict[str, Any]) -> None:
        f = self.findings.get(kind)
        if f is None:
            f = self.findings[kind] = Finding()
        f.count += 1
        if len(f.examples) < FINDING_EXAMPLES:
            f.examples.append(example)

    def cells(self) -> dict[str, int]:
        totals = [0, 0, 0, 0]
        non_empty = 0
        for tc in self.tables.values():
            non_empty += tc.non_empty
            for i in range(4):
                totals[i] += tc.cells[i]
        out = {"non_empty": non_empty}
        out.update({name: totals[i] for i, name in enumerate(OUTCOMES)})
        return out

    @property
    def unaccounted(self) -> int:
        c = self.cells()
        return c["non_empty"] - sum(c[name] for name in OUTCOMES)

    def tables_json(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"records": tc.records, "loaded": tc.loaded, "rejected": tc.rejected,
                   "cells": {"non_empty": tc.non_empty,
                             **{o: tc.cells[i] for i, o in enumerate(OUTCOMES)}}}
            for name, tc in self.tables.items()
        }

    def findings_json(self) -> dict[str, dict[str, Any]]:
        return {k: {"count": f.count, "examples": f.examples}
                for k, f in sorted(self.findings.items())}


REJECT_COLUMNS = ("tenant_id", "run_id", "seq", "table_name", "record_id", "field_name",
                  "value", "reason")


def reject_rows(tenant_id: UUID, run_id: UUID, rejects: Sequence[Reject], start: int = 0,
                ) -> list[tuple[Any, ...]]:
    """migration_rejects rows (REJECT_COLUMNS) of `rejects`, numbered from `start` (a
    reject's seq is its place in the report's list)."""
    return [(tenant_id, run_id, start + i, r.table, r.record_id, r.field,
             json_text(r.value), r.reason) for i, r in enumerate(rejects)]


def json_text(value: Any) -> str:
    """JSON for a jsonb column; JSONB cannot hold U+0000, so it becomes U+FFFD (the raw
    record in the archive keeps the original bytes)."""
    return orjson.dumps(_without_nul(value), default=str).decode()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _without_nul(v) for k, v in value.items()}
    return value
