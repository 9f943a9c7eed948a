"""Derived cells: count, lookup, rollup (for the aggregations we can name), formula (through
the formula engine), createdTime and lastModifiedTime, recomputed from links whenever records
change (https://airtable.com/developers/web/api/field-model).

autoNumber, collaborator stamps and rollups without a known aggregation are served as the
snapshot holds them.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from leadgen.airtable.emulator.cells import display_text, is_empty

if TYPE_CHECKING:
    from leadgen.airtable.emulator.schema_index import TableInfo
    from leadgen.airtable.emulator.store import RecordStore, StoredRecord

DERIVED_TYPES = frozenset(
    {"count", "multipleLookupValues", "rollup", "createdTime", "lastModifiedTime", "formula"}
)

_ROLLUP = re.compile(r"^\s*([A-Z_]+)\(\s*values\s*(?:,\s*(['\"])(.*)\2\s*)?\)\s*$")
NAN = {"specialValue": "NaN"}


def _numbers(values: list[Any]) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _average(values: list[Any]) -> Any:
    nums = _numbers(values)
    # AVERAGE over no linked records is NaN, as a recorded live response shows.
    return math.fsum(nums) / len(nums) if nums else NAN


_AGGREGATIONS: dict[str, Callable[[list[Any], str | None], Any]] = {
    # fsum: the float nearest the exact sum, so 0.1+0.2-style noise does not leak into cells.
    "SUM": lambda v, _: math.fsum(_numbers(v)),
    "AVERAGE": lambda v, _: _average(v),
    "MAX": lambda v, _: max(_numbers(v), default=0),
    "MIN": lambda v, _: min(_numbers(v), default=0),
    "COUNT": lambda v, _: len(_numbers(v)),
    "COUNTA": lambda v, _: sum(1 for x in v if not is_empty(x)),
    "COUNTALL": lambda v, _: len(v),
    "ARRAYJOIN": lambda v, sep: (", " if sep is None else sep).join(
        display_text(x) for x in v if not is_empty(x)
    ),
    "CONCATENATE": lambda v, _: "".join(display_text(x) for x in v),
    "ARRAYUNIQUE": lambda v, _: list(dict.fromkeys(x for x in v if not isinstance(x, dict | list))),
    "ARRAYCOMPACT": lambda v, _: [x for x in v if x is not None and x != ""],
    "AND": lambda v, _: all(not is_empty(x) and x != 0 for x in v),
    "OR": lambda v, _: any(not is_empty(x) and x != 0 for x in v),
}


def rollup_aggregation(field: dict[str, Any]) -> tuple[str, str | None] | None:
    """The aggregation of a rollup, when the schema carries one (`options.formula`).

    The real metadata API hides it (https://airtable.com/developers/web/api/field-model); a
    generated or hand-written schema may add it.
    """
    text = (field.get("options") or {}).get("formula")
    match = _ROLLUP.match(text) if isinstance(text, str) else None
    if not match or match.group(1) not in _AGGREGATIONS:
        return None
    return match.group(1), match.group(3)


def _linked_values(
    store: RecordStore, table: TableInfo, record: StoredRecord, field: dict[str, Any]
) -> list[Any] | None:
    opts = field.get("options") or {}
    link = table.fields_by_id.get(opts.get("recordLinkFieldId") or "")
    source_id = opts.get("fieldIdInLinkedTable")
    if link is None or not source_id:
        return None
    linked_table = store.schema.table_by_id((link.get("options") or {})["linkedTableId"])
    values: list[Any] = []
    for rec_id in record.fields.get(link["id"]) or []:
        other = store.peek(linked_table.id, rec_id)
        if other is None:
            continue
        value = other.fields.get(source_id)
        if isinstance(value, list):
            values.extend(value)  # array sources are flattened (an assumption: undocumented)
        else:
            values.append(None if is_empty(value) else value)  # `[null]` for empty sources
    return values


def _date_only(field: dict[str, Any]) -> bool:
    result = (field.get("options") or {}).get("result") or {}
    return result.get("type") == "date"


def derive(
    store: RecordStore, table: TableInfo, record: StoredRecord, field: dict[str, Any]
) -> tuple[bool, Any]:
    """(True, value) when the emulator can compute the cell; (False, None) keeps the stored one."""
    kind = field["type"]
    opts = field.get("options") or {}
    if kind == "count":
        link_id = opts.get("recordLinkFieldId")
        return (True, len(record.fields.get(link_id) or [])) if link_id else (False, None)
    if kind == "createdTime":
        stamp = record.created_time
        return True, stamp[:10] if _date_only(field) else stamp
    if kind == "lastModifiedTime":
        watched = opts.get("referencedFieldIds") or []
        stamps = [record.field_modified.get(f, "") for f in watched]
        stamp = (
            max([s for s in stamps if s], default=record.created_time)
            if watched
            else record.modified_time
        )
        return True, stamp[:10] if _date_only(field) else stamp
    if kind == "multipleLookupValues":
        values = _linked_values(store, table, record, field)
        return (True, values) if values is not None else (False, None)
    if kind == "rollup":
        aggregation = rollup_aggregation(field)
        values = _linked_values(store, table, record, field)
        if aggregation is None or values is None:
            return False, None
        name, separator = aggregation
        result = _AGGREGATIONS[name](values, separator)
        if isinstance(result, float) and math.isinf(result):
            result = {"specialValue": "Infinity"}
        precision = ((opts.get("result") or {}).get("options") or {}).get("precision")
        if isinstance(result, float) and isinstance(precision, int):
            # Rounded to the result field's precision, as the generator writes it [UNVERIFIED
            # whether the API rounds]; it keeps float noise (0.7656000000000001) out of cells.
            result = round(result, precision)
        return True, result
    if kind == "formula":
        return _formula(store, table, record, field)
    return False, None


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> Any:
    engine = importlib.import_module("leadgen.airtable.formula")
    return engine.parse(text)


def _formula(
    store: RecordStore, table: TableInfo, record: StoredRecord, field: dict[str, Any]
) -> tuple[bool, Any]:
    """A formula cell through the shared engine (leadgen.airtable.formula), when it can read it."""
    opts = field.get("options") or {}
    text = opts.get("formula")
    if not isinstance(text, str) or opts.get("isValid") is False:
        return False, None
    try:
        engine = importlib.import_module("leadgen.airtable.formula")
        node = _parsed(text)
    except Exception:  # no engine, or a formula it cannot read: keep the snapshot's value
        return False, None
    value = engine.evaluate(
        node,
        {"id": record.id, "createdTime": record.created_time, "fields": record.fields},
        table.schema,
        last_modified_time=record.modified_time,
        link_display=store.link_display,
    )
    return True, engine.to_api_value(value)
