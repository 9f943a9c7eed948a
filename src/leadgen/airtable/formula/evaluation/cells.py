"""How an API cell value appears inside a formula.

Records come as the API returns them (``{"id", "createdTime", "fields"}``) with ``fields``
keyed by field id or by field name; the table's metadata (``GET …/meta/bases/{base}/tables``)
says each field's type. A missing key is an empty cell.

Link cells hold record ids, but Airtable formulas see the linked records' *primary field
values*. One record cannot know those, so callers may pass a ``LinkDisplay`` resolver
``(field_id, record_ids) -> display strings``; it is asked for link fields and for lookups whose
result is a link (with the lookup's own field id). Without one, the ids stand in.

Cell formats: https://airtable.com/developers/web/api/field-model ; how a formula sees them:
https://support.airtable.com/docs/formula-field-reference
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from leadgen.airtable.formula.evaluation.dates import parse_date_text
from leadgen.airtable.formula.evaluation.values import ERROR, ErrorValue, Value

LinkDisplay = Callable[[str, list[str]], list[str]]

TEXT_TYPES = frozenset({
    "singleLineText", "multilineText", "email", "url", "phoneNumber", "richText",
    "singleSelect", "externalSyncSource",
})
NUMBER_TYPES = frozenset({
    "number", "currency", "percent", "duration", "rating", "autoNumber", "count",
})
DATE_TYPES = frozenset({"date", "dateTime", "createdTime", "lastModifiedTime"})
COLLABORATOR_TYPES = frozenset({"singleCollaborator", "createdBy", "lastModifiedBy"})


class FieldIndex:
    """Finds a table's fields by id, by exact name, then by name ignoring case."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        fields: list[dict[str, Any]] = list(table.get("fields", []))
        self.by_id = {f["id"]: f for f in fields}
        self.by_name = {f["name"]: f for f in fields}
        self.by_lower = {f["name"].lower(): f for f in reversed(fields)}

    def find(self, ref: str) -> dict[str, Any] | None:
        return self.by_name.get(ref) or self.by_id.get(ref) or self.by_lower.get(ref.lower())


def cell_of(record: Mapping[str, Any], field: Mapping[str, Any]) -> Any:
    """The raw cell for ``field`` whether ``fields`` is keyed by id or by name."""
    fields: Mapping[str, Any] = record.get("fields") or {}
    if field["id"] in fields:
        return fields[field["id"]]
    return fields.get(field["name"])


def to_formula_value(
    field: Mapping[str, Any], cell: Any, link_display: LinkDisplay | None = None
) -> Value:
    """The formula value of one API cell of ``field`` (a metadata-API field dict)."""
    kind = field.get("type", "")
    if kind == "checkbox":
        return cell is True
    if cell is None or cell == "" or cell == []:
        return None
    if kind in TEXT_TYPES:
        return cell if isinstance(cell, str) else _generic(cell)
    if kind in NUMBER_TYPES:
        return float(cell) if isinstance(cell, int | float) else _generic(cell)
    if kind in DATE_TYPES:
        return _date(cell)
    if kind == "multipleSelects":
        return [str(c) for c in cell] if isinstance(cell, list) else _generic(cell)
    if kind == "multipleRecordLinks":
        return _links(field, cell, link_display)
    if kind in COLLABORATOR_TYPES:
        return _collaborator(cell)
    if kind == "multipleCollaborators":
        return [_collaborator(c) for c in cell] if isinstance(cell, list) else _generic(cell)
    if kind == "multipleAttachments":
        return [_attachment(a) for a in cell] if isinstance(cell, list) else _generic(cell)
    if kind in {"multipleLookupValues", "rollup", "formula"}:
        return _computed(field, cell, link_display)
    return _generic(cell)


def _date(cell: Any) -> Value:
    if isinstance(cell, str):
        parsed = parse_date_text(cell)
        return parsed if parsed is not None else cell
    return _generic(cell)


def _links(field: Mapping[str, Any], cell: Any, link_display: LinkDisplay | None) -> Value:
    if not isinstance(cell, list):
        return _generic(cell)
    ids = [str(c) for c in cell]
    shown: list[Value] = list(ids if link_display is None else link_display(field["id"], ids))
    return shown


def _collaborator(cell: Any) -> Value:
    if isinstance(cell, dict):
        return str(cell.get("name") or cell.get("email") or cell.get("id") or "")
    return _generic(cell)


def _attachment(cell: Any) -> Value:
    # Airtable prints an attachment as "filename (url)" in text context.
    if isinstance(cell, dict):
        return f"{cell.get('filename', '')} ({cell.get('url', '')})"
    return _generic(cell)


def _computed(field: Mapping[str, Any], cell: Any, link_display: LinkDisplay | None) -> Value:
    """Lookups, rollups and formulas: converted by their result type, elementwise for arrays."""
    options: Mapping[str, Any] = field.get("options") or {}
    result: Mapping[str, Any] = options.get("result") or {}
    result_field = {"id": field["id"], "name": field.get("name", ""), **result}
    if isinstance(cell, list):
        if result.get("type") == "multipleRecordLinks":
            return _links(field, [c for c in cell if c is not None], link_display)
        return [None if c is None else _element(result_field, c, link_display) for c in cell]
    if not result.get("type"):
        return _generic(cell)
    return _element(result_field, cell, link_display)


def _element(result_field: Mapping[str, Any], cell: Any, link_display: LinkDisplay | None) -> Value:
    special = _special(cell)
    if special is not None:
        return special
    if result_field.get("type") in {"multipleLookupValues", "rollup", "formula"}:
        return _generic(cell)
    if isinstance(cell, list) and result_field.get("type") not in {
        "multipleSelects", "multipleRecordLinks", "multipleCollaborators", "multipleAttachments",
    }:
        return [_element(result_field, c, link_display) for c in cell]
    return to_formula_value(result_field, cell, link_display)


def _special(cell: Any) -> Value:
    """``{"error": "#ERROR!"}``, ``{"specialValue": "NaN" | "Infinity"}`` → formula values."""
    if not isinstance(cell, dict):
        return None
    if set(cell) == {"error"}:
        return ErrorValue(str(cell["error"]))
    if set(cell) == {"specialValue"}:
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(
            str(cell["specialValue"]), ERROR
        )
    return None


def _generic(cell: Any) -> Value:
    """A cell of a type with no specific rule, judged by its JSON shape."""
    if cell is None or isinstance(cell, bool | str):
        return cell
    if isinstance(cell, int | float):
        return float(cell)
    if isinstance(cell, list):
        return [_generic(c) for c in cell]
    if isinstance(cell, dict):
        special = _special(cell)
        if special is not None:
            return special
        for key in ("name", "text", "label", "value", "email", "id"):
            if isinstance(cell.get(key), str):
                return str(cell[key])
        return None
    return ERROR
