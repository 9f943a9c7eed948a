"""Keeping derived cells true after a write: which records depend on a changed record (through
links, in either direction), and recomputing their count, lookup, rollup and formula cells
until nothing changes. Link symmetry itself is kept by the store's writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from leadgen.airtable.emulator.cells import is_empty
from leadgen.airtable.emulator.computed import DERIVED_TYPES, derive
from leadgen.airtable.emulator.schema_index import TableInfo

if TYPE_CHECKING:
    from leadgen.airtable.emulator.store import RecordStore, StoredRecord


def dependents(
    store: RecordStore, table: TableInfo, rec: StoredRecord
) -> Iterable[tuple[str, str]]:
    for fld in table.link_fields():
        linked = (fld.get("options") or {}).get("linkedTableId", "")
        for rec_id in rec.fields.get(fld["id"]) or []:
            yield linked, rec_id
    for other_table, fld in store.schema.one_way_links_into(table.id):
        for other in store.linking_to(other_table.id, fld["id"], rec.id):
            yield other_table.id, other.id


def derive_cells(store: RecordStore, table: TableInfo, rec: StoredRecord) -> bool:
    changed = False
    for fld in table.fields:
        if fld["type"] not in DERIVED_TYPES:
            continue
        known, value = derive(store, table, rec, fld)
        if not known:
            continue
        value = None if is_empty(value) else value
        if rec.fields.get(fld["id"]) != value:
            changed = True
            if value is None:
                rec.fields.pop(fld["id"], None)
            else:
                rec.fields[fld["id"]] = value
    return changed


def refresh(store: RecordStore, touched: set[tuple[str, str]]) -> None:
    """Recompute derived cells of touched records and, transitively, of their dependents."""
    queue = list(touched)
    visits: dict[tuple[str, str], int] = {}
    while queue:
        key = queue.pop()
        visits[key] = visits.get(key, 0) + 1
        rec = store.peek(*key)
        if rec is None or visits[key] > 8:  # the cap guards against lookup cycles
            continue
        table = store.schema.table_by_id(key[0])
        changed = False
        for _ in range(3):  # formulas may read counts or other formulas of the same record
            changed_now = derive_cells(store, table, rec)
            changed = changed or changed_now
            if not changed_now:
                break
        if changed or (key in touched and visits[key] == 1):
            queue.extend(d for d in dependents(store, table, rec) if visits.get(d, 0) < 8)
