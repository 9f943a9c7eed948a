"""The snapshot as the Airtable formula engine sees it: records by table, and links shown the
way `filterByFormula` shows them (the linked records' primary-field values, not ids:
https://github.com/gtalarico/pyairtable/issues/160).

`BaseView.select(table, formula)` is what Airtable would answer to a list request with that
`filterByFormula`, evaluated locally over the snapshot by `leadgen.airtable.formula`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from leadgen.airtable.formula import compile_filter
from leadgen.airtable.snapshot import JSON, Record, Snapshot


def display_text(value: Any) -> str:
    """A primary-field cell as text (what a link shows inside a formula)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) and not value.is_integer() else str(
            int(value))
    if isinstance(value, list):
        return ", ".join(display_text(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


@dataclass
class BaseView:
    """Every record of a snapshot (or of a live base read the same way), by table name."""

    schema: JSON
    records: dict[str, dict[str, Record]]  # table name → record id → record
    _fields: dict[str, tuple[JSON, JSON]] = field(default_factory=dict)  # fld → (table, field)
    _tables: dict[str, JSON] = field(default_factory=dict)
    _cache: dict[tuple[str, str], dict[str, Record]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table in self.schema["tables"]:
            self._tables[table["id"]] = table
            self._tables[table["name"]] = table
            for f in table["fields"]:
                self._fields[f["id"]] = (table, f)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> BaseView:
        records = {
            t["name"]: {r["id"]: r for r in snapshot.iter_records(t["id"])}
            for t in snapshot.tables
        }
        return cls(schema=snapshot.schema, records=records)

    def table(self, name_or_id: str) -> JSON:
        return self._tables[name_or_id]

    def field_id(self, table: str, name: str) -> str:
        for f in self.table(table)["fields"]:
            if f["name"] == name:
                return str(f["id"])
        raise KeyError(f"{table}.{name}")

    def cell(self, table: str, record: Record, name: str) -> Any:
        return (record.get("fields") or {}).get(self.field_id(table, name))

    def link_display(self, field_id: str, record_ids: list[str]) -> list[str]:
        """How a link (or a lookup of a link) field shows inside a formula."""
        linked = self._linked_table(field_id, 0)
        if linked is None:
            return []
        rows = self.records.get(linked["name"], {})
        primary = linked["primaryFieldId"]
        shown = []
        for rec_id in record_ids:
            rec = rows.get(rec_id)
            if rec is not None:
                shown.append(display_text((rec.get("fields") or {}).get(primary)))
        return shown

    def _linked_table(self, field_id: str, depth: int) -> JSON | None:
        found = self._fields.get(field_id)
        if found is None or depth > 3:
            return None
        opts = found[1].get("options") or {}
        if found[1]["type"] == "multipleRecordLinks":
            return self._tables.get(opts.get("linkedTableId", ""))
        if found[1]["type"] == "multipleLookupValues" and opts.get("fieldIdInLinkedTable"):
            return self._linked_table(opts["fieldIdInLinkedTable"], depth + 1)
        return None

    def select(self, table: str, formula: str,
               within: dict[str, Record] | None = None) -> dict[str, Record]:
        """The records of `table` that `filterByFormula=formula` returns.

        `within`: evaluate only these records — the caller's promise that no other record can
        match (e.g. the result of a formula that is a conjunct of this one). Results are
        cached per formula: the plan's and the library's queries share most filters.
        """
        key = (self.table(table)["id"], formula)
        found = self._cache.get(key)
        if found is None:
            rows = within if within is not None else self.records.get(
                self.table(table)["name"], {})
            found = self._cache[key] = self.evaluate(table, formula, rows)
        return found

    def evaluate(self, table: str, formula: str, rows: dict[str, Record]) -> dict[str, Record]:
        """The records of `rows` that match `formula` (not cached)."""
        predicate = compile_filter(formula, self.table(table), link_display=self.link_display)
        return {rid: rec for rid, rec in rows.items() if predicate(rec)}

    def first_link(self, table: str, record: Record, name: str) -> Record | None:
        """The first record a link cell points at (None when empty or dangling)."""
        ids = self.cell(table, record, name)
        if not isinstance(ids, list) or not ids:
            return None
        target = self._linked_table(self.field_id(table, name), 0)
        if target is None:
            return None
        return self.records.get(target["name"], {}).get(ids[0])

    def choices(self, table: str, name: str) -> list[str]:
        for f in self.table(table)["fields"]:
            if f["name"] == name:
                return [c["name"] for c in (f.get("options") or {}).get("choices", [])]
        return []

