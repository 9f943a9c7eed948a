"""Lookups by table and field *name* for the generator tests (the base is keyed by IDs)."""

from __future__ import annotations

from typing import Any

from leadgen.airtable.generate import GeneratedBase


def table(base: GeneratedBase, name: str) -> dict[str, Any]:
    return next(t for t in base.schema["tables"] if t["name"] == name)


def field(base: GeneratedBase, table_name: str, field_name: str) -> dict[str, Any]:
    return next(f for f in table(base, table_name)["fields"] if f["name"] == field_name)


def rows(base: GeneratedBase, table_name: str) -> list[dict[str, Any]]:
    return base.records[table(base, table_name)["id"]]


def values(base: GeneratedBase, table_name: str, field_name: str) -> list[Any]:
    """The non-empty cells of one field, in record order."""
    fid = field(base, table_name, field_name)["id"]
    return [r["fields"][fid] for r in rows(base, table_name) if fid in r["fields"]]
