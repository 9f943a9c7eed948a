"""Cell values: what counts as empty, how a written value is checked and normalised, and how a
value reads as text (for link display names and sorting).

Empty cells are never stored, so the "omit empty cells" rule of
https://airtable.com/developers/web/api/list-records holds by construction: `""`, `[]`, `false`
and null clear a cell; `0` is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from leadgen.airtable.emulator import api_errors

TEXT_TYPES = frozenset(
    {"singleLineText", "multilineText", "richText", "email", "url", "phoneNumber"}
)
NUMBER_TYPES = frozenset({"number", "currency", "percent", "duration", "rating"})


def is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == []


def iso_millis(moment: datetime) -> str:
    """`2024-05-01T12:00:00.123Z`: the only dateTime shape Airtable emits (https://airtable.com/developers/web/api/field-model)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def display_text(value: Any) -> str:
    """How a value reads as text: arrays joined by ", ", as formulas see multi-selects and links."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(display_text(v) for v in value)
    if isinstance(value, dict):
        for key in ("name", "filename", "text", "label", "value", "email", "id"):
            if key in value:
                return display_text(value[key])
        return ""
    return str(value)


class WriteContext:
    """What normalising a written value needs from the store."""

    def __init__(
        self,
        *,
        typecast: bool,
        new_id: Callable[[str], str],
        record_exists: Callable[[str, str], bool],
    ) -> None:
        self.typecast = typecast
        self.new_id = new_id
        self.record_exists = record_exists


def _choice(field: dict[str, Any], name: Any, ctx: WriteContext) -> str:
    label = field["name"]
    if not isinstance(name, str):
        raise api_errors.invalid_value(label, "select options are strings")
    options = field.setdefault("options", {})
    choices: list[dict[str, Any]] = options.setdefault("choices", [])
    if any(c.get("name") == name for c in choices):
        return name
    if not ctx.typecast:
        raise api_errors.invalid_choice(name)
    # typecast creates the option, and the metadata API reports it afterwards.
    choices.append({"id": ctx.new_id("sel"), "name": name})
    return name


def _links(field: dict[str, Any], value: Any, ctx: WriteContext) -> list[str]:
    if isinstance(value, str) and ctx.typecast:
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise api_errors.invalid_value(field["name"], "links are a list of record IDs")
    linked_table = (field.get("options") or {}).get("linkedTableId", "")
    seen: list[str] = []
    for rec_id in value:
        if not ctx.record_exists(linked_table, rec_id):
            raise api_errors.row_does_not_exist(rec_id)
        if rec_id not in seen:
            seen.append(rec_id)
    return seen


def _attachments(field: dict[str, Any], value: Any, current: Any, ctx: WriteContext) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise api_errors.invalid_value(field["name"], "attachments are a list of objects")
    known = {a.get("id"): a for a in current or [] if isinstance(a, dict)}
    result: list[Any] = []
    for item in value:
        if item.get("id") in known:
            result.append(known[item["id"]])
            continue
        url = item.get("url")
        if not isinstance(url, str):
            raise api_errors.invalid_value(field["name"], "an attachment needs a url")
        filename = item.get("filename") or url.rstrip("/").rsplit("/", 1)[-1] or "file"
        result.append({"id": ctx.new_id("att"), "url": url, "filename": filename})
    return result


def normalise(field: dict[str, Any], value: Any, current: Any, ctx: WriteContext) -> Any:
    """The value to store for a write (None clears the cell); raises ApiError when invalid."""
    if is_empty(value):
        return None
    kind = field["type"]
    label = field["name"]
    if kind in TEXT_TYPES:
        if isinstance(value, int | float) and not isinstance(value, bool) and ctx.typecast:
            value = display_text(value)
        if not isinstance(value, str):
            raise api_errors.invalid_value(label, "expected a string")
        return value
    if kind in NUMBER_TYPES:
        if isinstance(value, str) and ctx.typecast:
            try:
                value = float(value) if "." in value else int(value)
            except ValueError as exc:
                raise api_errors.invalid_value(label, "expected a number") from exc
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise api_errors.invalid_value(label, "expected a number")
        return value
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise api_errors.invalid_value(label, "expected true or false")
        return value
    if kind == "date":
        if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
            raise api_errors.invalid_value(label, "expected a YYYY-MM-DD date")
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError as exc:
            raise api_errors.invalid_value(label, "expected a YYYY-MM-DD date") from exc
    if kind == "dateTime":
        try:
            return iso_millis(parse_datetime(str(value)))
        except ValueError as exc:
            raise api_errors.invalid_value(label, "expected an ISO 8601 date and time") from exc
    if kind == "singleSelect":
        return _choice(field, value, ctx)
    if kind == "multipleSelects":
        if isinstance(value, str) and ctx.typecast:
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise api_errors.invalid_value(label, "expected a list of option names")
        names = [_choice(field, v, ctx) for v in value]
        return list(dict.fromkeys(names))
    if kind == "multipleRecordLinks":
        return _links(field, value, ctx) or None
    if kind == "multipleAttachments":
        return _attachments(field, value, current, ctx) or None
    if kind in ("singleCollaborator", "barcode") and not isinstance(value, dict):
        raise api_errors.invalid_value(label, "expected an object")
    if kind == "multipleCollaborators" and not isinstance(value, list):
        raise api_errors.invalid_value(label, "expected a list of collaborators")
    return value
