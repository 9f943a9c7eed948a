"""The snapshot as the mapping made it: each record's queried cells replaced by what the
transform loads for them, and the deliberate change behind every cell that differs.

A workflow query compared on two sides needs one answer for "what should PostgreSQL return":
the Airtable formula evaluated over what the mapping made of each record. `MappedBase.view`
is that base — a `BaseView` whose records carry, for the fields the workflow queries read,
the value read back from the transform's rows (`transform_snapshot`, the migration's own
code), put back into Airtable's cell shape:

    link (FK)        the uuid → [the Airtable record id of the row it names]
    batch_name       the batch uuid → [the promoted batch's name] (spellings merged, one kept)
    select (enum)    the enum label → the Airtable choice of that label (or the label)
    column           the loaded value (checkbox False, normalised text, a number or a
                     timestamp in the API's JSON form, …)

A record that loads no row is absent from the view. `MappedBase.changes(table, record)` names
each deliberate change of a record's queried cells (a reject, merged or several batch names,
an owner taken from legacy text, an empty select loaded as the column's default, a
normalised value, extra links dropped); `explain` gives those of the fields one query reads,
and those of the records its read links name. The query modules then report: a record where
PostgreSQL differs from the mapped view is unexpected; a record where only the raw snapshot
differs is explained, with these reasons (or unexpected when none of the fields the query
reads changed). The explanation never covers a difference between PostgreSQL and the mapped
view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from leadgen.airtable.snapshot import Record
from leadgen.errors import MappingError
from leadgen.migrate.coverage import Catalog
from leadgen.migrate.ledger import Reject
from leadgen.migrate.mapping import FieldMapping, Mapping
from leadgen.migrate.transform.snapshot_rows import Transformed
from leadgen.verify.base_view import BaseView

Reads = dict[str, tuple[str, ...]]  # what one query reads: Airtable table → fields
# What the workflow queries read (verify_queries.py, verify_library.py); a link's target
# shows its primary field inside a formula ({Owner}='Michal' reads Owners.Name).
CONTACTS_READ: Reads = {"Contacts": ("batch_name", "processed_enrich"), "Owners": ("Name",)}
OWNED_CONTACTS_READ: Reads = {"Contacts": ("batch_name", "processed_enrich", "Owner"),
                              "Owners": ("Name",)}
STATS_READ: Reads = {"Contacts": ("batch_name", "Company"), "Companies": ("Status", "Tier")}
DRAFTS_READ: Reads = {"Messages": ("Owner", "Status", "Contact"), "Owners": ("Name",)}
# The fields the mapped view carries, by table (every mapped table's primary field too).
QUERIED: Reads = {t: tuple(dict.fromkeys(f for r in (OWNED_CONTACTS_READ, STATS_READ, DRAFTS_READ)
                                         for f in r.get(t, ())))
                  for t in ("Contacts", "Companies", "Messages", "Owners")}


def _empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == []


@dataclass
class MappedView(BaseView):
    """The mapped records, answering a formula the cheap way: a record whose cells (and
    whose linked records) the mapping left as they were answers as it does in `raw` (already
    evaluated there); only the others are evaluated again. `differs(table)` names those."""

    raw: BaseView | None = None
    differs: Callable[[str], set[str]] | None = None

    def select(self, table: str, formula: str,
               within: dict[str, Record] | None = None) -> dict[str, Record]:
        if self.raw is None or self.differs is None:
            return super().select(table, formula, within)
        key = (self.table(table)["id"], formula)
        found = self._cache.get(key)
        if found is None:
            name = self.table(table)["name"]
            rows = self.records.get(name, {})
            differs = self.differs(name)
            found = {r: rows[r] for r in self.raw.select(table, formula)
                     if r in rows and r not in differs}
            found.update(self.evaluate(table, formula, {r: rows[r] for r in differs
                                                        if r in rows}))
            self._cache[key] = found
        return found


@dataclass
class MappedBase:
    raw: BaseView
    mapping: Mapping
    view: BaseView
    loaded: dict[tuple[str, str, str], Any]  # (Airtable table, record, field) → PG value
    fields: dict[str, tuple[FieldMapping, ...]]  # Airtable table → the mapped fields
    rejects: dict[tuple[str, str], list[Reject]] = field(default_factory=dict)
    catalog: Catalog | None = None
    _changes: dict[tuple[str, str], list[tuple[str | None, str]]] = field(default_factory=dict)
    _differs: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, raw: BaseView, mapping: Mapping, transformed: Transformed,
              catalog: Catalog, reads: Reads | None = None) -> MappedBase:
        """The mapped base of `raw`; its view carries the fields of `reads` (Airtable table →
        fields; the workflow queries' `QUERIED` when omitted) and every primary field."""
        rejects: dict[tuple[str, str], list[Reject]] = {}
        for r in transformed.ledger.rejects:
            rejects.setdefault((r.table, r.record_id), []).append(r)
        uuids = _record_of_uuid(mapping, transformed)
        fields = _mapped_fields(raw, mapping, QUERIED if reads is None else reads)
        loaded: dict[tuple[str, str, str], Any] = {}
        records: dict[str, dict[str, Record]] = {}
        for table, recs in raw.records.items():
            if table not in fields:
                records[table] = recs
                continue
            tm = mapping.table(table)
            columns = transformed.columns.get(tm.target, ())
            if "airtable_record_id" not in columns:
                records[table] = recs
                continue
            at = columns.index("airtable_record_id")
            rows = {row[at]: row for row in transformed.rows.get(tm.target, [])}
            out: dict[str, Record] = {}
            for rec_id, rec in recs.items():
                row = rows.get(rec_id)
                if row is None:
                    continue  # no row loaded: absent from what the mapping made
                cells = dict(rec.get("fields") or {})
                for f in fields[table]:
                    value = row[columns.index(str(f.column))]
                    loaded[(table, rec_id, f.name)] = value
                    cell = _as_cell(f, value, uuids)
                    if _empty(cell):
                        cells.pop(str(f.field_id), None)
                    else:
                        cells[str(f.field_id)] = cell
                out[rec_id] = {**rec, "fields": cells}
            records[table] = out
        view = MappedView(schema=raw.schema, records=records, raw=raw)
        mapped = cls(raw, mapping, view, loaded, fields, rejects, catalog)
        view.differs = mapped.differs
        return mapped

    def differs(self, table: str) -> set[str]:
        """Records of `table` a formula may answer otherwise than in the raw snapshot: not
        loaded, a carried cell not as it was, or a carried link naming such a record."""
        found = self._differs.get(table)
        if found is None:
            found = self._differs[table] = set(self._own_differences(table))
            mapped = self.view.records.get(table, {})
            for f in self.fields.get(table, ()):
                if f.kind != "link" or f.linked_table is None:
                    continue
                targets = self._own_differences(f.linked_table)
                if not targets:
                    continue
                for rec_id, rec in self.raw.records.get(table, {}).items():
                    cells = [(rec.get("fields") or {}).get(str(f.field_id)),
                             (mapped.get(rec_id, {}).get("fields") or {}).get(str(f.field_id))]
                    if any(isinstance(c, list) and targets.intersection(c) for c in cells):
                        found.add(rec_id)
        return found

    def _own_differences(self, table: str) -> set[str]:
        fields = self.fields.get(table, ())
        mapped = self.view.records.get(table, {})
        out = set()
        for rec_id, rec in self.raw.records.get(table, {}).items():
            after = mapped.get(rec_id)
            if after is None:
                out.add(rec_id)
                continue
            before, now = rec.get("fields") or {}, after.get("fields") or {}
            for f in fields:
                a, b = before.get(str(f.field_id)), now.get(str(f.field_id))
                if a != b and not (_empty(a) and _empty(b)):
                    out.add(rec_id)
                    break
        return out if fields else set()

    def label(self, table: str, name: str, value: Any) -> str | None:
        """A raw select cell as the enum label the mapping gives its choice (None when empty;
        `?choice` for a choice the mapping does not know)."""
        if value is None:
            return None
        return self.mapping.table(table).field(name).enum_label(str(value)) or f"?{value}"

    def raw_value(self, table: str, rec: Record, name: str) -> Any:
        """A raw cell in the form `loaded` holds for the mapped side (labels for selects)."""
        value = self.raw.cell(table, rec, name)
        f = self.mapping.table(table).field(name)
        return self.label(table, name, value) if f.kind == "enum" else value

    def loaded_value(self, table: str, rec_id: str, name: str) -> Any:
        return self.loaded.get((table, rec_id, name))

    def changes(self, table: str, rec_id: str) -> list[tuple[str | None, str]]:
        """(field, why) of every deliberate change the mapping made to the queried cells of
        one record; field None: the record loads no row at all."""
        key = (table, rec_id)
        found = self._changes.get(key)
        if found is None:
            found = self._changes[key] = self._find_changes(table, rec_id)
        return found

    def explain(self, table: str, rec_id: str, reads: Reads) -> str | None:
        """Why the mapping answers a query otherwise than the raw snapshot for this record:
        its changes to the fields the query reads (`reads`: Airtable table → fields), and
        those of the records its read links name (on either side). None when there are none.
        """
        reasons = self._reasons(table, rec_id, reads)
        for name in reads.get(table, ()):
            for linked_table, linked in self._links(table, rec_id, name):
                reasons.extend(f"through {name} {linked}: {why}"
                               for why in self._reasons(linked_table, linked, reads))
        return "; ".join(dict.fromkeys(reasons)) or None

    def _reasons(self, table: str, rec_id: str, reads: Reads) -> list[str]:
        wanted = reads.get(table, ())
        return [why for name, why in self.changes(table, rec_id)
                if name is None or name in wanted]

    def _links(self, table: str, rec_id: str, name: str) -> list[tuple[str, str]]:
        try:
            f = self.mapping.table(table).field(name)
        except MappingError:
            return []
        if f.kind != "link" or f.linked_table is None or table not in self.fields:
            return []
        ids: list[str] = []
        for view in (self.raw, self.view):
            rec = view.records.get(table, {}).get(rec_id)
            cell = view.cell(table, rec, name) if rec is not None else None
            ids.extend(cell[:1] if isinstance(cell, list) else [])
        return [(f.linked_table, i) for i in dict.fromkeys(ids) if isinstance(i, str)]

    def _find_changes(self, table: str, rec_id: str) -> list[tuple[str | None, str]]:
        rec = self.raw.records.get(table, {}).get(rec_id)
        if rec is None or table not in self.fields:
            return []
        rejects = self.rejects.get((table, rec_id), [])
        if rec_id not in self.view.records.get(table, {}):
            whole = [r for r in rejects if r.field is None] or rejects
            why = "; ".join(r.reason for r in whole) or "the mapping loads no row for it"
            return [(None, f"{table} {rec_id} was not loaded ({why})")]
        out: list[tuple[str | None, str]] = []
        after = self.view.records[table][rec_id].get("fields") or {}
        for f in self.fields[table]:
            raw = (rec.get("fields") or {}).get(str(f.field_id))
            mapped = after.get(str(f.field_id))
            if _same(f, self, table, rec_id, raw, mapped):
                continue
            own = [r.reason for r in rejects if r.field == f.name]
            why = ("reject: " + "; ".join(own)) if own else self._rule(table, rec_id, f, raw,
                                                                        mapped)
            out.append((f.name, f"{table}.{f.name} of {rec_id}: {why}"))
        return out

    def _rule(self, table: str, rec_id: str, f: FieldMapping, raw: Any, mapped: Any) -> str:
        """Which rule of the mapping turned `raw` into `mapped` (no reject involved)."""
        loaded = self.loaded_value(table, rec_id, f.name)
        if f.transform == "batch_name":
            names = raw if isinstance(raw, list) else [raw]
            kept = mapped[0] if isinstance(mapped, list) and mapped else mapped
            if len({str(n).strip().casefold() for n in names}) > 1:
                return (f"several batches {names}; the schema keeps one batch_id "
                        f"(the first, promoted as {kept!r})")
            return f"batch name spelled {names[0]!r} was merged into the batch {kept!r}"
        if f.kind == "link" and _empty(raw) and f.fallback:
            return (f"the link is empty; it comes from the legacy fallback field "
                    f"{f.fallback!r}")
        if f.kind == "link" and isinstance(raw, list) and len(raw) > 1:
            return f"{len(raw)} records linked; the schema keeps the first"
        if f.kind == "enum" and _empty(raw):
            column = self.catalog.column(str(f.target_table), str(f.column)) if (
                self.catalog is not None) else None
            known, default = column.constant_default() if column is not None else (False, None)
            if known and str(default) == str(loaded):
                return (f"the empty select was loaded as the default {loaded!r} of "
                        f"{f.target_table}.{f.column}")
            return f"the empty select was loaded as {loaded!r}"
        if f.transform == "domain":
            return f"domain {raw!r} normalised to {loaded!r}"
        return f"Airtable {raw!r} was loaded as {loaded!r}"


def _same(f: FieldMapping, mb: MappedBase, table: str, rec_id: str, raw: Any,
          mapped: Any) -> bool:
    if f.kind == "enum":
        return bool(mb.label(table, f.name, raw) == mb.loaded_value(table, rec_id, f.name))
    if _empty(raw) and _empty(mapped):
        return True
    return bool(raw == mapped)


def _mapped_fields(raw: BaseView, mapping: Mapping,
                   reads: Reads) -> dict[str, tuple[FieldMapping, ...]]:
    out: dict[str, tuple[FieldMapping, ...]] = {}
    for table in raw.records:
        if table not in mapping.tables:
            continue
        tm = mapping.table(table)
        names = [f.name for f in tm.fields.values() if f.field_id == tm.primary_field]
        names.extend(reads.get(table, ()))
        chosen = []
        for name in dict.fromkeys(names):
            f = tm.fields.get(name)
            if (f is not None and f.kind in ("column", "enum", "link") and f.column
                    and f.field_id and f.junction is None
                    and f.target_table in (None, tm.target)):
                chosen.append(f)
        if chosen:
            out[table] = tuple(chosen)
    return out


def _record_of_uuid(mapping: Mapping, transformed: Transformed) -> dict[UUID, str]:
    """Row uuid → what a link cell holds for it: the Airtable record id, or a batch's name."""
    out: dict[UUID, str] = {}
    for tm in mapping.tables.values():
        columns = transformed.columns.get(tm.target, ())
        if "id" in columns and "airtable_record_id" in columns:
            i, at = columns.index("id"), columns.index("airtable_record_id")
            out.update((row[i], row[at]) for row in transformed.rows.get(tm.target, []))
    columns = transformed.columns.get("batches", ())
    if "id" in columns and "name" in columns:
        i, name = columns.index("id"), columns.index("name")
        out.update((row[i], row[name]) for row in transformed.rows.get("batches", []))
    return out


def _as_cell(f: FieldMapping, value: Any, uuids: dict[UUID, str]) -> Any:
    """A loaded value in the shape an Airtable cell of the field has."""
    if value is None:
        return None
    if f.kind == "link":
        target = uuids.get(value) if isinstance(value, UUID) else None
        return [target] if target is not None else None
    if f.kind == "enum":
        label = str(value)
        return next((c for c, lab in f.choices.items() if lab == label), label)
    return _json_cell(value)


def _json_cell(value: Any) -> Any:
    """A PostgreSQL value as the API's JSON cell holds it: numbers as JSON numbers, a
    timestamp as ISO 8601 in UTC with milliseconds, a date as YYYY-MM-DD
    (https://airtable.com/developers/web/api/field-model)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat()
    return value
