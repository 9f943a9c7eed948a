"""What an exported Airtable node does, with n8n's defaults applied
(https://docs.n8n.io/integrations/builtin/app-nodes/n8n-nodes-base.airtable/).

Exports leave out parameters equal to their default, so ``operation`` absent means ``read``
(v1) or ``get`` (v2); ``returnAll`` absent means true. This module reads a node of any version
(1, 2, 2.1, 2.2) into one :class:`AirtableOp` the SQL builder works from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leadgen.n8n.expressions import is_expression
from leadgen.n8n.table_sql import ConversionProblem

V1_OPS = {"list": "search", "read": "get", "append": "create", "update": "update",
          "delete": "delete"}
V2_OPS = {"search": "search", "get": "get", "create": "create", "update": "update",
          "upsert": "upsert", "deleteRecord": "delete"}


@dataclass
class AirtableOp:
    version: float
    raw_operation: str
    operation: str  # search | get | create | update | upsert | delete
    table: str  # table id or name, as the node names it
    formula: str | None = None
    fields: list[str] | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)
    limit: int | None = None
    record_id: Any = None  # the id parameter (constant or expression)
    values: dict[str, Any] | None = None  # field → parameter value; None = auto-map
    match: list[str] = field(default_factory=list)
    update_all_matches: bool = False
    typecast: bool = False
    ignore: list[str] = field(default_factory=list)
    flat: bool = False
    once: bool = False
    view: str | None = None


def _locator(value: Any, what: str) -> str:
    """A resource locator ({__rl, mode, value}) or a legacy plain string, as an id/name."""
    raw = value.get("value") if isinstance(value, dict) else value
    if raw is None or raw == "":
        raise ConversionProblem("UNKNOWN_TABLE", f"the node names no {what}")
    if is_expression(raw):
        raise ConversionProblem("DYNAMIC_TABLE", f"the {what} is an expression ({raw})",
                                "pick the table in the node; the converter needs it statically")
    text = str(raw)
    if (isinstance(value, dict) and value.get("mode") == "url") or text.startswith("http"):
        found = re.findall(r"(tbl[A-Za-z0-9]{14}|app[A-Za-z0-9]{14})", text)
        want = "tbl" if what == "table" else "app"
        ids = [f for f in found if f.startswith(want)]
        if not ids:
            raise ConversionProblem("UNKNOWN_TABLE", f"cannot read a {what} id from {text}")
        return str(ids[-1])
    return text


def _fields_option(value: Any) -> list[str] | None:
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        if is_expression(value):
            raise ConversionProblem("DYNAMIC_FORMULA", "the field list is an expression")
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _sort(value: Any) -> list[tuple[str, str]]:
    props = (value or {}).get("property") or []
    return [(p["field"], "DESC" if p.get("direction") == "desc" else "ASC") for p in props]


def read_node(node: dict[str, Any]) -> AirtableOp:
    """The node's operation, table and arguments (ConversionProblem when it has none in SQL)."""
    version = float(node.get("typeVersion", 1))
    p = node.get("parameters") or {}
    if version < 2:
        raw = p.get("operation", "read")
        op = V1_OPS.get(raw)
        if op is None:
            raise ConversionProblem("AIRTABLE_BASE_RESOURCE", f"operation {raw!r} has no SQL form")
        table = _locator(p.get("table"), "table")
        extra = p.get("additionalOptions") or {}
        result = AirtableOp(version, raw, op, table, once=op == "search")
        if op == "search":
            if p.get("downloadAttachments"):
                raise ConversionProblem("ATTACHMENT_DOWNLOAD", "the node downloads attachments",
                                        "fetch attachment URLs with an HTTP Request node")
            result.formula = extra.get("filterByFormula") or None
            result.fields = _fields_option(extra.get("fields"))
            result.sort = _sort(extra.get("sort"))
            result.view = extra.get("view") or None
            if p.get("returnAll", True) is False:
                result.limit = int(p.get("limit", 100))
        elif op in ("get", "delete"):
            result.record_id = p.get("id")
        elif op == "create":
            if p.get("addAllFields", True) is False:
                result.values = {f: f"={{{{ $json[{_js_key(f)}] }}}}" for f in p.get("fields", [])}
            result.typecast = bool((p.get("options") or {}).get("typecast"))
        elif op == "update":
            result.record_id = p.get("id")
            if p.get("updateAllFields", True) is False:
                result.values = {f: f"={{{{ $json[{_js_key(f)}] }}}}" for f in p.get("fields", [])}
            opts = p.get("options") or {}
            result.typecast = bool(opts.get("typecast"))
            result.ignore = _ignore(opts.get("ignoreFields"))
        return result
    resource = p.get("resource", "record")
    raw = p.get("operation", "get")
    if resource != "record" or raw not in V2_OPS:
        raise ConversionProblem("AIRTABLE_BASE_RESOURCE",
                                f"{resource}/{raw} reads Airtable's metadata; no SQL equivalent",
                                "query information_schema, or drop the node")
    op = V2_OPS[raw]
    table = _locator(p.get("table"), "table")
    _locator(p.get("base"), "base")
    opts = p.get("options") or {}
    result = AirtableOp(version, raw, op, table)
    if op == "search":
        if opts.get("downloadFields"):
            raise ConversionProblem("ATTACHMENT_DOWNLOAD", "the node downloads attachments",
                                    "fetch attachment URLs with an HTTP Request node")
        result.formula = p.get("filterByFormula") or None
        result.fields = _fields_option(opts.get("fields"))
        result.sort = _sort(p.get("sort"))
        view = opts.get("view")
        result.view = (view.get("value") if isinstance(view, dict) else view) or None
        if p.get("returnAll", True) is False:
            result.limit = int(p.get("limit", 100))
        result.once = version == 2
        result.flat = version < 2.2
    elif op == "get":
        if opts.get("downloadFields"):
            raise ConversionProblem("ATTACHMENT_DOWNLOAD", "the node downloads attachments")
        result.record_id = p.get("id")
        result.flat = version < 2.2
    elif op == "delete":
        result.record_id = p.get("id")
    else:
        columns = p.get("columns") or {}
        mode = columns.get("mappingMode", "defineBelow")
        values = dict(columns.get("value") or {})
        result.match = list(columns.get("matchingColumns") or [])
        result.typecast = bool(opts.get("typecast"))
        result.ignore = _ignore(opts.get("ignoreFields"))
        result.update_all_matches = bool(opts.get("updateAllMatches"))
        if op in ("update", "upsert") and "id" in result.match:
            result.record_id = values.pop("id", "={{ $json.id }}")
            result.match = ["id"]
        result.values = None if mode == "autoMapInputData" else values
    return result


def _ignore(value: Any) -> list[str]:
    if not value:
        return []
    if is_expression(value):
        raise ConversionProblem("IGNORE_FIELDS_EXPRESSION", "ignoreFields is an expression",
                                "write the field names literally")
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _js_key(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
