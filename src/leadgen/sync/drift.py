"""Schema drift: the live base's schema against the one the mapping was accepted for.

A parallel run must not guess: a field or select choice added, removed or retyped in
Airtable (or a table, or a link pointed elsewhere) stops the sync with SchemaError (exit 5)
naming each change, until the mapping is updated. "Updated" means: the mapping file changed
(another sha256 than the one the baseline was accepted with), it covers the live schema
(`load_mapping` resolves it) and the database has its columns and enum labels
(`check_against_database`). Then the live schema becomes the new baseline.

Compared by id (a rename is a change too) — names are what the mapping is keyed by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadgen.airtable.snapshot import JSON
from leadgen.errors import MappingError, SchemaError


@dataclass(frozen=True)
class Drift:
    table: str
    field: str | None
    change: str

    def __str__(self) -> str:
        where = f"{self.table}.{self.field}" if self.field else f"table {self.table}"
        return f"{where}: {self.change}"


def _choices(field: JSON) -> list[str]:
    return [c.get("name", "") for c in (field.get("options") or {}).get("choices", [])]


def _linked(field: JSON) -> Any:
    return (field.get("options") or {}).get("linkedTableId")


def schema_drift(baseline: JSON, live: JSON) -> list[Drift]:
    """Every difference that matters to the mapping, in schema order."""
    out: list[Drift] = []
    old_tables = {t["id"]: t for t in baseline.get("tables", [])}
    new_tables = {t["id"]: t for t in live.get("tables", [])}
    for tid, table in new_tables.items():
        if tid not in old_tables:
            out.append(Drift(table["name"], None, f"table added ({tid})"))
    for tid, old in old_tables.items():
        new = new_tables.get(tid)
        if new is None:
            out.append(Drift(old["name"], None, f"table removed ({tid})"))
            continue
        if new["name"] != old["name"]:
            out.append(Drift(old["name"], None, f"table renamed to {new['name']!r}"))
        out.extend(_field_drift(new["name"], old, new))
    return out


def _field_drift(table: str, old: JSON, new: JSON) -> list[Drift]:
    out: list[Drift] = []
    old_fields = {f["id"]: f for f in old.get("fields", [])}
    new_fields = {f["id"]: f for f in new.get("fields", [])}
    for fid, f in new_fields.items():
        if fid not in old_fields:
            out.append(Drift(table, f["name"], f"field added ({f['type']}, {fid})"))
    for fid, f in old_fields.items():
        g = new_fields.get(fid)
        if g is None:
            out.append(Drift(table, f["name"], f"field removed ({f['type']}, {fid})"))
            continue
        if g["name"] != f["name"]:
            out.append(Drift(table, f["name"], f"field renamed to {g['name']!r}"))
        if g["type"] != f["type"]:
            out.append(Drift(table, f["name"], f"field retyped from {f['type']} to {g['type']}"))
            continue
        added = [c for c in _choices(g) if c not in _choices(f)]
        removed = [c for c in _choices(f) if c not in _choices(g)]
        if added:
            out.append(Drift(table, f["name"], f"select choice added: {', '.join(added)}"))
        if removed:
            out.append(Drift(table, f["name"], f"select choice removed: {', '.join(removed)}"))
        if _linked(g) != _linked(f):
            out.append(Drift(table, f["name"], "link now points at another table"))
    return out


def drift_error(base_id: str, drifts: list[Drift], mapping_path: str) -> SchemaError:
    listing = "\n".join(f"  - {d}" for d in drifts)
    return SchemaError(
        f"schema drift in Airtable base {base_id}: sync stopped "
        f"({len(drifts)} change{'s' if len(drifts) != 1 else ''}):\n{listing}",
        hint=f"update the mapping ({mapping_path}) to cover these fields and choices (and the "
             "database, for new enum labels or columns), then run `leadgen sync` again",
    )


def mapping_error_as_drift(base_id: str, exc: MappingError) -> SchemaError:
    """The live schema is not covered by the mapping at all (a field it does not know)."""
    return SchemaError(
        f"schema drift in Airtable base {base_id}: sync stopped, the mapping no longer "
        f"covers the base:\n{exc.message.split(':', 1)[-1].strip()}",
        hint="update the mapping to cover these fields, then run `leadgen sync` again",
    )
