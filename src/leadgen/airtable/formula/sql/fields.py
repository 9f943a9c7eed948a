"""Field references of a formula, resolved through the migration mapping to SQL over the schema.

    column  text/number/checkbox/date column of the row          → t.col (typed)
    enum    select stored as a PG enum                           → its Airtable choice name
    link    single FK (owner_id, company_id, …)                  → the linked row's primary value
            batch_name                                           → batches.name
    split   1:1 table (company_enrichment_l2, contact_enrichment) → subquery on the parent key
    tags    multi-select rows of company_tags                    → text[] (a set: no order)
    derived the record's createdTime                             → t.created_at

Drops, inverse links (derived) and values stored transformed beyond recognition cannot be
filtered in SQL with Airtable's meaning; they raise :class:`UnsupportedFormula` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadgen.airtable.formula.sql.values import BOOL, DATE, NUMBER, SET, TEXT, SqlValue
from leadgen.migrate.mapping import FieldMapping, Mapping, TableMapping

TEXT_TYPES = {"singleLineText", "multilineText", "email", "url", "phoneNumber", "richText",
              "singleSelect"}
NUMBER_TYPES = {"number", "currency", "percent", "duration", "rating", "autoNumber", "count"}
# transforms that store the Airtable value itself (a formula over them means the same thing)
FAITHFUL = {"text", "number", "integer", "checkbox", "datetime", "date", "enum", "tags", "link",
            "batch_name"}
# The parent key of each 1:1 table.
SPLIT_KEYS = {"company_enrichment_l2": "company_id", "contact_enrichment": "contact_id"}
# Row key of each parent table, for tag rows and 1:1 tables.
TAG_PARENT_KEY = "company_id"

AddParam = Callable[[Any, str], str]


class UnsupportedFormulaField(Exception):
    """Raised inside resolution; compiler.py turns it into UnsupportedFormula with the formula."""


def _quote(identifier: str) -> str:
    # identifiers come from the mapping (a closed, checked set), quoted all the same
    return '"' + identifier.replace('"', '""') + '"'


def resolve_field(
    mapping: Mapping, table: TableMapping, fm: FieldMapping, alias: str, add_param: AddParam,
    notes: list[str],
) -> SqlValue:
    """The SqlValue of ``{field}`` for the row ``alias`` of ``table``'s target."""
    where = f"{{{fm.name}}} ({table.name})"
    row = f"{alias}.tenant_id"
    if fm.kind == "drop":
        raise UnsupportedFormulaField(f"{where} is not migrated ({fm.reason})")
    if fm.kind == "derived":
        if fm.airtable_type == "createdTime":
            return SqlValue(f"{alias}.created_at", DATE)
        raise UnsupportedFormulaField(
            f"{where} is derived ({fm.reason}); filter on the other table instead")
    if fm.transform not in FAITHFUL:
        raise UnsupportedFormulaField(
            f"{where} is stored transformed ({fm.transform}), so its Airtable value is not in "
            "the database")
    if fm.kind == "tags":
        cat = add_param(fm.category, "tag_category")
        sql = (f"NULLIF(ARRAY(SELECT tg.value FROM company_tags tg WHERE tg.tenant_id = {row}"
               f" AND tg.{TAG_PARENT_KEY} = {alias}.id AND tg.category = {cat}"
               f" ORDER BY tg.value), '{{}}'::text[])")
        return SqlValue(sql, SET)
    if fm.kind == "link":
        return _link(mapping, table, fm, alias, add_param, notes, where)
    col = _quote(fm.column or "")
    if fm.kind == "split":
        target = fm.target_table or ""
        key = SPLIT_KEYS.get(target)
        if key is None:
            raise UnsupportedFormulaField(f"{where} is in {target}, a table with no known key")
        ref = (f"(SELECT s.{col} FROM {_quote(target)} s WHERE s.tenant_id = {row}"
               f" AND s.{key} = {alias}.id)")
    else:
        ref = f"{alias}.{col}"
    if fm.kind == "enum":
        if fm.airtable_type != "singleSelect":
            raise UnsupportedFormulaField(f"{where} is a multi-value enum")
        labels = add_param(list(fm.choices.values()), "text[]")
        names = add_param(list(fm.choices.keys()), "text[]")
        return SqlValue(f"({names})[array_position({labels}, ({ref})::text)]", TEXT)
    return _typed_column(fm, ref, where)


def _typed_column(fm: FieldMapping, ref: str, where: str) -> SqlValue:
    atype = fm.airtable_type or ""
    if atype in TEXT_TYPES:
        return SqlValue(f"NULLIF({ref}, '')", TEXT)
    if atype in NUMBER_TYPES:
        return SqlValue(f"({ref})::float8", NUMBER)
    if atype == "checkbox":
        return SqlValue(f"COALESCE({ref}, false)", BOOL)
    if atype in ("dateTime", "createdTime", "lastModifiedTime"):
        return SqlValue(f"({ref})::timestamptz", DATE)
    if atype == "date":
        return SqlValue(f"(({ref})::timestamp AT TIME ZONE 'UTC')", DATE, date_only=True)
    raise UnsupportedFormulaField(f"{where} has Airtable type {atype}, not filterable in SQL")


def _primary(mapping: Mapping, linked: str, where: str) -> tuple[TableMapping, FieldMapping]:
    try:
        lt = mapping.table(linked)
    except Exception as exc:  # MappingError
        raise UnsupportedFormulaField(f"{where} links to {linked}, not in the mapping") from exc
    for f in lt.fields.values():
        if f.field_id == lt.primary_field:
            return lt, f
    raise UnsupportedFormulaField(f"{where}: the primary field of {linked} is not mapped")


def _link(mapping: Mapping, table: TableMapping, fm: FieldMapping, alias: str,
          add_param: AddParam, notes: list[str], where: str) -> SqlValue:
    row = f"{alias}.tenant_id"
    col = _quote(fm.column or "")
    if fm.transform == "batch_name":
        return SqlValue(f"(SELECT NULLIF(b.name, '') FROM batches b WHERE b.tenant_id = {row}"
                        f" AND b.id = {alias}.{col})", TEXT)
    if fm.junction or fm.entity_type or not fm.linked_table:
        raise UnsupportedFormulaField(f"{where} is a many-to-many link (junction table)")
    lt, primary = _primary(mapping, fm.linked_table, where)
    if primary.kind != "column" or primary.airtable_type not in TEXT_TYPES:
        raise UnsupportedFormulaField(f"{where}: the primary field of {lt.name} is not plain text")
    if fm.fallback:
        notes.append(f"{{{fm.name}}}: rows whose link was empty in Airtable were linked from "
                     f"{{{fm.fallback}}} by the migration; SQL sees that owner")
    notes.append(f"{{{fm.name}}}: compared through the first linked {lt.name} record (the "
                 "schema keeps one)")
    return SqlValue(
        f"(SELECT NULLIF(l.{_quote(primary.column or '')}, '') FROM {_quote(lt.target)} l"
        f" WHERE l.tenant_id = {row} AND l.id = {alias}.{col})", TEXT)
