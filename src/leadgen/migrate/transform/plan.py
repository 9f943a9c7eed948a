"""A table's plan compiled once from the mapping and the catalog: the target row's columns
and template, each field's handler (handlers.py), the NOT NULL and default rules.
"""

from __future__ import annotations

from typing import Any

from leadgen.errors import MappingError
from leadgen.migrate.coverage import Column
from leadgen.migrate.mapping import FieldMapping, TableMapping
from leadgen.migrate.transform.context import TransformContext
from leadgen.migrate.transform.handlers import compile_handler
from leadgen.migrate.transform.records import TablePlan

SPLIT_KEY = {"company_enrichment_l2": "company_id", "contact_enrichment": "contact_id"}
CHILD_COLUMNS = {
    "company_tags": ("id", "tenant_id", "company_id", "category", "value"),
    "crm_event_participants": ("tenant_id", "crm_event_id", "contact_id"),
    "task_contacts": ("tenant_id", "task_id", "contact_id"),
    "task_activities": ("tenant_id", "task_id", "activity_id"),
}
EXTRA_COLUMNS = {"research_assets": ("entity_type",)}


def compile_plan(ctx: TransformContext, tm: TableMapping) -> TablePlan:
    """The plan of one Airtable table; its columns are recorded in `ctx.columns`."""
    cat = ctx.catalog.tables[tm.target]
    columns: list[str] = ["id", "tenant_id", "airtable_record_id"]
    if "created_at" in cat:
        columns.append("created_at")
    split_columns: dict[str, list[str]] = {}
    for f in tm.fields.values():
        if f.kind in ("column", "enum") or (f.kind == "link" and not f.junction):
            if f.column and f.column not in columns:
                columns.append(f.column)
        elif f.kind == "split" and f.target_table and f.column:
            cols = split_columns.setdefault(f.target_table,
                                            ["tenant_id", SPLIT_KEY[f.target_table]])
            cols.append(f.column)
    columns.extend(EXTRA_COLUMNS.get(tm.target, ()))
    index = {c: i for i, c in enumerate(columns)}
    template: list[Any] = [None] * len(columns)
    for f in tm.fields.values():
        if f.transform == "checkbox" and f.kind == "column" and f.column:
            template[index[f.column]] = False  # Airtable leaves an unchecked box out
    plan = TablePlan(
        tm=tm, target=tm.target, columns=tuple(columns), index=index, template=template,
        created_pos=index.get("created_at"),
        names={f.field_id: f.name for f in tm.fields.values() if f.field_id},
        ids={f.name: f.field_id for f in tm.fields.values() if f.field_id},
        split_columns={t: tuple(c) for t, c in split_columns.items()},
    )
    ctx.columns[tm.target] = plan.columns
    ctx.columns.update(plan.split_columns)
    for child, child_columns in CHILD_COLUMNS.items():
        ctx.columns.setdefault(child, child_columns)
    by_column = {f.column: f.name for f in tm.fields.values()
                 if f.column and f.target_table == tm.target}
    for pos, column in enumerate(columns):
        info = cat[column]
        if info.nullable or pos < 3 or column == "created_at":
            continue
        constant, value = info.constant_default()
        if constant:
            plan.defaults.append((pos, value))
        else:
            plan.required.append((pos, column, by_column.get(column)))
    for f in tm.fields.values():
        if f.fallback and f.column:
            if f.fallback == "createdTime":
                plan.created_fallbacks.append((index[f.column], f.name))
            else:
                plan.link_fallbacks.append((index[f.column], f.fallback))
        if f.field_id:
            plan.handlers[f.field_id] = compile_handler(ctx, f, index)
        if f.empty == "default" and f.column and f.field_id:
            plan.empty_defaults.append(
                (index[f.column], f.name, f.field_id, f.column, _ddl_default(cat[f.column], f)))
    return plan


def _ddl_default(column: Column, f: FieldMapping) -> Any:
    """The constant DDL default an empty select loads as (the coverage check vouched for it)."""
    constant, value = column.constant_default()
    if not constant:
        raise MappingError(
            f"{f.table}.{f.name}: empty = \"default\" but {f.target_table}.{f.column} has no "
            f"constant default ({column.default})",
            hint="remove `empty` from the field, or give the column a DEFAULT in the schema")
    return value


__all__ = ["CHILD_COLUMNS", "EXTRA_COLUMNS", "SPLIT_KEY", "compile_plan"]
