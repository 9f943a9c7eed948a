"""The in-memory record store behind the emulator: records keyed by field ID, writes that keep
link symmetry and derived cells consistent, and per-record modification times.

Tests use it directly to play "another user editing the base" (`create_record`,
`update_record`, `delete_record`); the HTTP write routes go through the same code.
Records are served exactly as the snapshot holds them until a write touches them; from then on
their derived cells (count, lookup, …) are recomputed from the links.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from leadgen.airtable.emulator import api_errors
from leadgen.airtable.emulator.cells import (
    WriteContext,
    display_text,
    is_empty,
    iso_millis,
    normalise,
)
from leadgen.airtable.emulator.ids import IdFactory
from leadgen.airtable.emulator.propagation import refresh
from leadgen.airtable.emulator.schema_index import COMPUTED_TYPES, SchemaIndex, TableInfo
from leadgen.airtable.snapshot import Snapshot
from leadgen.errors import ConfigError

JSON = dict[str, Any]


@dataclass
class StoredRecord:
    """One record: cells keyed by field ID (empty cells absent) plus its timestamps."""

    id: str
    created_time: str
    fields: dict[str, Any]
    modified_time: str
    field_modified: dict[str, str] = field(default_factory=dict)
    comment_count: int = 0

    def as_api(self) -> JSON:
        return {
            "id": self.id,
            "createdTime": self.created_time,
            "fields": copy.deepcopy(self.fields),
        }


@dataclass(frozen=True)
class ViewDefinition:
    """What a view shows: an optional filter formula and sort (names or IDs of fields)."""

    formula: str | None = None
    sort: tuple[tuple[str, str], ...] = ()


class RecordStore:
    """All records of the one emulated base. Every public method is thread-safe."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        seed: int | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_id = snapshot.base_id
        self.base_name = str(snapshot.manifest.get("base_name") or snapshot.base_id)
        self.schema = SchemaIndex(snapshot.schema)
        self.lock = threading.RLock()
        self.ids = IdFactory(seed)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._records: dict[str, dict[str, StoredRecord]] = {}
        self.views: dict[tuple[str, str], ViewDefinition] = {}
        used: set[str] = set()
        for table in self.schema.tables:
            used.add(table.id)
            used.update(f["id"] for f in table.fields)
            rows: dict[str, StoredRecord] = {}
            for raw in snapshot.iter_records(table.id):
                rows[raw["id"]] = self._load(table, raw)
            self._records[table.id] = rows
            used.update(rows)
        self.ids.reserve(used)
        self._load_views(snapshot)

    # -- loading ---------------------------------------------------------------------------
    @staticmethod
    def _load(table: TableInfo, raw: JSON) -> StoredRecord:
        fields = {k: v for k, v in (raw.get("fields") or {}).items() if not is_empty(v)}
        created = str(raw.get("createdTime") or "")
        modified = created
        # A lastModifiedTime field watching every field is the record's modification time (https://airtable.com/developers/web/api/field-model).
        for f in table.fields:
            opts = f.get("options") or {}
            if f["type"] == "lastModifiedTime" and not opts.get("referencedFieldIds"):
                stamp = fields.get(f["id"])
                if isinstance(stamp, str) and len(stamp) > 10:
                    modified = stamp
        return StoredRecord(raw["id"], created, fields, modified)

    def _load_views(self, snapshot: Snapshot) -> None:
        """Optional `views.json` beside the snapshot: {tableId: {view: {filterByFormula, sort}}}."""
        path = snapshot.root / "views.json"
        if not path.exists():
            return
        try:
            data = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: invalid JSON ({exc})") from exc
        for table_key, views in data.items():
            for view_key, spec in views.items():
                sort = [(s["field"], s.get("direction", "asc")) for s in spec.get("sort", [])]
                self.define_view(
                    table_key, view_key, formula=spec.get("filterByFormula"), sort=sort
                )

    # -- reading ---------------------------------------------------------------------------
    def table(self, name_or_id: str) -> TableInfo | None:
        return self.schema.table(name_or_id)

    def _table(self, name_or_id: str) -> TableInfo:
        table = self.schema.table(name_or_id)
        if table is None:
            raise KeyError(f"no table {name_or_id!r} in base {self.base_id}")
        return table

    def peek(self, table_id: str, record_id: str) -> StoredRecord | None:
        return self._records.get(table_id, {}).get(record_id)

    def records(self, table_id: str) -> list[StoredRecord]:
        """The table's records in creation order (a copy of the list, not of the records)."""
        with self.lock:
            return list(self._records.get(table_id, {}).values())

    def linking_to(self, table_id: str, field_id: str, record_id: str) -> list[StoredRecord]:
        """The records of `table_id` whose link field `field_id` lists `record_id`."""
        with self.lock:
            rows = self._records.get(table_id, {}).values()
            return [r for r in rows if record_id in (r.fields.get(field_id) or [])]

    def find_anywhere(self, record_id: str) -> tuple[TableInfo, StoredRecord] | None:
        with self.lock:
            for table in self.schema.tables:
                found = self._records[table.id].get(record_id)
                if found is not None:
                    return table, found
            return None

    def get_record(self, table: str, record_id: str) -> JSON | None:
        """A record as stored (`fields` keyed by field ID), or None."""
        with self.lock:
            found = self.peek(self._table(table).id, record_id)
            return found.as_api() if found else None

    def list_records(self, table: str) -> list[JSON]:
        with self.lock:
            return [r.as_api() for r in self.records(self._table(table).id)]

    def link_display(self, field_id: str, record_ids: list[str]) -> list[str]:
        """Primary-field display values of linked records: how formulas see a link.

        `field_id` is a link field, or a lookup whose looked-up field is a link.
        """
        with self.lock:
            linked = self._linked_table(field_id)
            if linked is None:
                return []
            names = []
            for rec_id in record_ids:
                rec = self.peek(linked.id, rec_id)
                if rec is not None:
                    names.append(display_text(rec.fields.get(linked.primary_field_id)))
            return names

    def _linked_table(self, field_id: str, depth: int = 0) -> TableInfo | None:
        owner = self.schema.field_table.get(field_id)
        fld = owner.fields_by_id.get(field_id) if owner else None
        if owner is None or fld is None or depth > 3:
            return None
        opts = fld.get("options") or {}
        if fld["type"] == "multipleRecordLinks":
            return self.schema.table(opts.get("linkedTableId", ""))
        if fld["type"] == "multipleLookupValues" and opts.get("fieldIdInLinkedTable"):
            return self._linked_table(opts["fieldIdInLinkedTable"], depth + 1)
        return None

    def define_view(
        self,
        table: str,
        view: str,
        *,
        formula: str | None = None,
        sort: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Give a schema view a filter and order (tests and `views.json` use this)."""
        info = self._table(table)
        view_schema = info.view(view)
        if view_schema is None:
            raise KeyError(f"no view {view!r} in table {info.name}")
        with self.lock:
            self.views[(info.id, view_schema["id"])] = ViewDefinition(formula, tuple(sort))

    # -- writing ---------------------------------------------------------------------------
    def now(self) -> str:
        return iso_millis(self._clock())

    def resolve_fields(
        self,
        table: TableInfo,
        fields: Mapping[str, Any],
        *,
        typecast: bool,
        current: StoredRecord | None = None,
    ) -> dict[str, Any]:
        """Written cells keyed by field ID and normalised; None means "clear this cell"."""
        if not isinstance(fields, Mapping):
            raise api_errors.invalid_request()
        ctx = WriteContext(
            typecast=typecast,
            new_id=self.ids.new,
            record_exists=lambda t, r: self.peek(t, r) is not None,
        )
        resolved: dict[str, Any] = {}
        for key, value in fields.items():
            fld = table.field(key)
            if fld is None:
                raise api_errors.unknown_field(key)
            if fld["type"] in COMPUTED_TYPES:
                raise api_errors.computed_field(fld["name"])
            old = current.fields.get(fld["id"]) if current else None
            resolved[fld["id"]] = normalise(fld, value, old, ctx)
        return resolved

    def create_many(
        self, table: TableInfo, batch: list[Mapping[str, Any]], *, typecast: bool = False
    ) -> list[StoredRecord]:
        with self.lock:
            resolved = [self.resolve_fields(table, f, typecast=typecast) for f in batch]
            created: list[StoredRecord] = []
            touched: set[tuple[str, str]] = set()
            for cells in resolved:
                stamp = self.now()
                rec = StoredRecord(self.ids.new("rec"), stamp, {}, stamp)
                self._records[table.id][rec.id] = rec
                self._apply(table, rec, cells, replace=False, stamp=stamp, touched=touched)
                rec.modified_time = stamp  # a new record's lastModifiedTime is its createdTime
                created.append(rec)
            refresh(self, touched)
            return created

    def update_many(
        self,
        table: TableInfo,
        batch: list[tuple[str, Mapping[str, Any]]],
        *,
        replace: bool = False,
        typecast: bool = False,
    ) -> list[StoredRecord]:
        with self.lock:
            targets = []
            for rec_id, cells in batch:
                rec = self.peek(table.id, rec_id)
                if rec is None:
                    raise api_errors.row_does_not_exist(rec_id)
                targets.append(
                    (rec, self.resolve_fields(table, cells, typecast=typecast, current=rec))
                )
            touched: set[tuple[str, str]] = set()
            for rec, cells in targets:
                self._apply(table, rec, cells, replace=replace, stamp=self.now(), touched=touched)
            refresh(self, touched)
            return [rec for rec, _ in targets]

    def delete_many(self, table: TableInfo, record_ids: list[str]) -> list[str]:
        with self.lock:
            for rec_id in record_ids:
                if self.peek(table.id, rec_id) is None:
                    raise api_errors.delete_not_found(rec_id)
            touched: set[tuple[str, str]] = set()
            stamp = self.now()
            for rec_id in record_ids:
                rec = self._records[table.id].pop(rec_id)
                for fld in table.link_fields():
                    old = rec.fields.get(fld["id"]) or []
                    self._sync_inverse(rec, fld, old, [], stamp, touched)
                for other_table, fld in self.schema.one_way_links_into(table.id):
                    for other in self.linking_to(other_table.id, fld["id"], rec_id):
                        links = other.fields[fld["id"]]
                        self._set(other, fld["id"], [x for x in links if x != rec_id], stamp)
                        touched.add((other_table.id, other.id))
            touched = {t for t in touched if self.peek(*t) is not None}
            refresh(self, touched)
            return record_ids

    # Conveniences for tests: names or IDs, like the API, and API-shaped results keyed by ID.
    def create_record(
        self, table: str, fields: Mapping[str, Any], *, typecast: bool = False
    ) -> JSON:
        return self.create_many(self._table(table), [fields], typecast=typecast)[0].as_api()

    def update_record(
        self,
        table: str,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        replace: bool = False,
        typecast: bool = False,
    ) -> JSON:
        info = self._table(table)
        return self.update_many(info, [(record_id, fields)], replace=replace, typecast=typecast)[
            0
        ].as_api()

    def delete_record(self, table: str, record_id: str) -> None:
        self.delete_many(self._table(table), [record_id])

    def recompute_all(self) -> None:
        """Recompute every derived cell from the links (a loaded snapshot is served as-is)."""
        with self.lock:
            refresh(self, {(t.id, r) for t in self.schema.tables for r in self._records[t.id]})

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _set(rec: StoredRecord, field_id: str, value: Any, stamp: str) -> None:
        if is_empty(value):
            rec.fields.pop(field_id, None)
        else:
            rec.fields[field_id] = value
        rec.field_modified[field_id] = stamp
        rec.modified_time = stamp

    def _apply(
        self,
        table: TableInfo,
        rec: StoredRecord,
        cells: dict[str, Any],
        *,
        replace: bool,
        stamp: str,
        touched: set[tuple[str, str]],
    ) -> None:
        if replace:  # PUT clears every writable cell it does not name (https://airtable.com/developers/web/api/update-multiple-records)
            for fld in table.fields:
                if fld["type"] not in COMPUTED_TYPES and fld["id"] not in cells:
                    cells[fld["id"]] = None
        touched.add((table.id, rec.id))
        for field_id, new in cells.items():
            old = rec.fields.get(field_id)
            if (None if is_empty(old) else old) == new:
                continue  # an unchanged value does not bump LAST_MODIFIED_TIME()
            self._set(rec, field_id, new, stamp)
            fld = table.fields_by_id[field_id]
            if fld["type"] == "multipleRecordLinks":
                self._sync_inverse(rec, fld, old or [], new or [], stamp, touched)

    def _sync_inverse(
        self,
        rec: StoredRecord,
        fld: JSON,
        old: list[str],
        new: list[str],
        stamp: str,
        touched: set[tuple[str, str]],
    ) -> None:
        """Mirror a link change into the inverse field of the linked records.

        Whether that bumps the other record's LAST_MODIFIED_TIME() is undocumented; we bump
        it, so an incremental sync that trusts the timestamp still sees the change.
        """
        opts = fld.get("options") or {}
        linked_table = opts.get("linkedTableId", "")
        inverse = opts.get("inverseLinkFieldId")
        for rec_id in set(old) | set(new):
            touched.add((linked_table, rec_id))
        if not inverse:
            return
        for rec_id in old:
            other = self.peek(linked_table, rec_id)
            if other is not None and rec_id not in new:
                links = other.fields.get(inverse) or []
                if rec.id in links:
                    self._set(other, inverse, [x for x in links if x != rec.id], stamp)
        for rec_id in new:
            other = self.peek(linked_table, rec_id)
            if other is not None and rec_id not in old:
                links = list(other.fields.get(inverse) or [])
                if rec.id not in links:
                    self._set(other, inverse, [*links, rec.id], stamp)
