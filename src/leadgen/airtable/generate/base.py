"""`generate_base`: a whole synthetic copy of the customer's base, in memory.

Order of work: build rows table by table (keyed by field name), turn them into the API's
shape (field IDs, empty cells omitted, ISO createdTime), mirror links, compute the computed
fields. The same (companies, seed) always gives the same base, byte for byte once written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from leadgen.airtable.generate.builders import core as build_core
from leadgen.airtable.generate.builders import events as build_events
from leadgen.airtable.generate.builders import people as build_people
from leadgen.airtable.generate.clock import iso_ms
from leadgen.airtable.generate.computed import Computer
from leadgen.airtable.generate.context import Context, Row
from leadgen.airtable.generate.links import mirror_links
from leadgen.airtable.generate.schema_index import JSON, SchemaIndex
from leadgen.airtable.generate.world import World
from leadgen.errors import ConfigError

DEFAULT_BASE_ID = "appLeadgenDemo001"
BASE_NAME = "Leadgen (synthetic)"
BASE_ID_PATTERN = re.compile(r"^app[A-Za-z0-9]{14}$")
Record = dict[str, Any]


@dataclass
class GeneratedBase:
    """A generated base: the schema (metadata-API body) and records per table ID."""

    base_id: str
    base_name: str
    schema: JSON
    records: dict[str, list[Record]]
    exported_at: str

    def counts(self) -> dict[str, int]:
        """Records per table *name*, in schema order."""
        return {t["name"]: len(self.records[t["id"]]) for t in self.schema["tables"]}

    @property
    def total_records(self) -> int:
        return sum(len(r) for r in self.records.values())


def check_arguments(companies: int, base_id: str) -> None:
    if companies < 1:
        raise ConfigError(
            f"--companies must be at least 1 (got {companies})",
            hint="try --companies 200 for a small base or 10000 for a benchmark-sized one",
        )
    if not BASE_ID_PATTERN.match(base_id):
        raise ConfigError(
            f"--base-id {base_id!r} is not an Airtable base ID",
            hint="a base ID is 'app' followed by 14 letters or digits, e.g. appLeadgenDemo001",
        )


def generate_base(
    companies: int, seed: int = 1, *, base_id: str = DEFAULT_BASE_ID
) -> GeneratedBase:
    """Generate a base with `companies` companies (and ~4 contacts each, etc.) from `seed`."""
    check_arguments(companies, base_id)
    schema = SchemaIndex.packaged()
    ctx = Context(seed, schema)
    world = World()
    build_core.build_owners(ctx, world, companies)
    build_core.build_campaigns(ctx, world, companies)
    build_core.build_companies(ctx, world, companies)
    build_people.build_contacts(ctx, world)
    build_events.build_activities(ctx, world)
    build_events.build_crm_events(ctx, world)
    build_events.build_tasks(ctx, world)
    build_events.build_research(ctx, world)
    build_events.build_audit_log(ctx, world)
    records = {
        table.id: [_to_api(row, ids) for row in _in_created_order(world, table.name)]
        for table in schema.tables
        for ids in [{name: f["id"] for name, f in table.by_name.items()}]
    }
    mirror_links(schema, records)
    Computer(schema, records, ctx.clock.now).run(seed)
    return GeneratedBase(base_id, BASE_NAME, schema.copy_schema(), records, iso_ms(ctx.clock.now))


def _in_created_order(world: World, table: str) -> list[Row]:
    rows = world.tables.get(table, [])
    return sorted(rows, key=lambda r: r["createdTime"])  # stable: ties keep build order


def _to_api(row: Row, field_ids: dict[str, str]) -> Record:
    """Field names → IDs; empty cells ("", [], None, False) are omitted as Airtable does."""
    fields = {
        field_ids[name]: value
        for name, value in row["fields"].items()
        # Truthy first (most cells); then keep numeric 0, which Airtable does send.
        if value or (value == 0 and value is not False)
    }
    return {"id": row["id"], "createdTime": iso_ms(row["createdTime"]), "fields": fields}
