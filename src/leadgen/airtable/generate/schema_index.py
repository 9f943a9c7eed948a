"""The packaged base schema, indexed by table and field name for the generator.

Builders speak in field *names* (readable, like the customer's plan); the index turns them
into field IDs and hands out each select field's choices, so generated select values can only
ever be names the schema knows.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

JSON = dict[str, Any]


def load_base_schema() -> JSON:
    """A fresh copy of the packaged metadata-API body (`{"tables": [...]}`)."""
    text = resources.files("leadgen.airtable").joinpath("base_schema.json").read_text("utf-8")
    schema: JSON = json.loads(text)
    return schema


@dataclass
class TableIndex:
    """One table: name↔id maps and select choices."""

    id: str
    name: str
    primary_field_id: str
    fields: list[JSON]
    by_name: dict[str, JSON] = field(default_factory=dict)
    by_id: dict[str, JSON] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for fld in self.fields:
            self.by_name[fld["name"]] = fld
            self.by_id[fld["id"]] = fld

    def field_id(self, name: str) -> str:
        return str(self.by_name[name]["id"])

    def choices(self, name: str) -> list[str]:
        fld = self.by_name[name]
        return [str(c["name"]) for c in fld.get("options", {}).get("choices", [])]


class SchemaIndex:
    """All tables of the base, by name and by id."""

    def __init__(self, schema: JSON) -> None:
        self.schema = schema
        self.tables: list[TableIndex] = [
            TableIndex(t["id"], t["name"], t["primaryFieldId"], t["fields"])
            for t in schema["tables"]
        ]
        self._by_name = {t.name: t for t in self.tables}
        self._by_id = {t.id: t for t in self.tables}

    @classmethod
    def packaged(cls) -> SchemaIndex:
        return cls(load_base_schema())

    def table(self, name: str) -> TableIndex:
        return self._by_name[name]

    def table_by_id(self, table_id: str) -> TableIndex:
        return self._by_id[table_id]

    def copy_schema(self) -> JSON:
        return copy.deepcopy(self.schema)
