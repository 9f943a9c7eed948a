"""The base's schema as lookup tables: tables and fields by ID or name, link inverses, views.

The emulator keeps its own deep copy of the snapshot's schema because `typecast` writes can
add select choices, which the metadata API must then report.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# Computed types refuse writes and are derived or served from the snapshot (https://airtable.com/developers/web/api/field-model).
COMPUTED_TYPES = frozenset(
    {
        "formula",
        "rollup",
        "count",
        "multipleLookupValues",
        "createdTime",
        "lastModifiedTime",
        "autoNumber",
        "createdBy",
        "lastModifiedBy",
        "button",
        "aiText",
        "externalSyncSource",
    }
)


@dataclass
class TableInfo:
    """One table of the schema with name/ID indexes over its fields and views."""

    schema: JSON
    fields_by_id: dict[str, JSON] = field(default_factory=dict)
    fields_by_name: dict[str, JSON] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for fld in self.schema.get("fields", []):
            self.fields_by_id[fld["id"]] = fld
            self.fields_by_name.setdefault(fld["name"], fld)

    @property
    def id(self) -> str:
        return str(self.schema["id"])

    @property
    def name(self) -> str:
        return str(self.schema["name"])

    @property
    def primary_field_id(self) -> str:
        return str(self.schema["primaryFieldId"])

    @property
    def fields(self) -> list[JSON]:
        return list(self.schema.get("fields", []))

    def field(self, name_or_id: str) -> JSON | None:
        """A field by ID first, then by exact name (as pyairtable resolves them)."""
        return self.fields_by_id.get(name_or_id) or self.fields_by_name.get(name_or_id)

    def view(self, name_or_id: str) -> JSON | None:
        views: list[JSON] = self.schema.get("views", [])
        for view in views:
            if view["id"] == name_or_id:
                return view
        for view in views:
            if view["name"] == name_or_id:
                return view
        return None

    def link_fields(self) -> list[JSON]:
        return [f for f in self.fields if f["type"] == "multipleRecordLinks"]


class SchemaIndex:
    """All tables of the base; owns a private, mutable copy of the schema body."""

    def __init__(self, schema: JSON) -> None:
        self.body: JSON = copy.deepcopy(schema)
        self.tables = [TableInfo(t) for t in self.body["tables"]]
        self._by_id = {t.id: t for t in self.tables}
        self._by_name: dict[str, TableInfo] = {}
        for t in self.tables:
            self._by_name.setdefault(t.name, t)
        self.field_table: dict[str, TableInfo] = {f["id"]: t for t in self.tables for f in t.fields}

    def table(self, name_or_id: str) -> TableInfo | None:
        return self._by_id.get(name_or_id) or self._by_name.get(name_or_id)

    def table_by_id(self, table_id: str) -> TableInfo:
        return self._by_id[table_id]

    def one_way_links_into(self, table_id: str) -> list[tuple[TableInfo, JSON]]:
        """Link fields into `table_id` with no inverse field there (self-links included)."""
        found: list[tuple[TableInfo, JSON]] = []
        for t in self.tables:
            for f in t.link_fields():
                opts = f.get("options") or {}
                if opts.get("linkedTableId") == table_id and not opts.get("inverseLinkFieldId"):
                    found.append((t, f))
        return found

    def meta_body(self, *, visible_field_ids: bool) -> JSON:
        """The GET /v0/meta/bases/{id}/tables body; `visibleFieldIds` only on grid views (https://airtable.com/developers/web/api/get-base-schema)."""
        body = copy.deepcopy(self.body)
        for table in body["tables"]:
            for view in table.get("views", []):
                view.pop("visibleFieldIds", None)
                if visible_field_ids and view.get("type") == "grid":
                    view["visibleFieldIds"] = [f["id"] for f in table.get("fields", [])]
        return body
