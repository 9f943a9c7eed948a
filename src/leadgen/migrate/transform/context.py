"""What the cell handlers and the record rules may read and write while a snapshot is turned
into rows: the engine's state (`TransformContext`) and this customer's base (`CustomerState`).

`Transformer` (snapshot_rows.py) builds one context per run and hands it to `compile_plan`,
which gives it to every handler compiler (handlers.py) and to the record rules (records.py).
A handler binds the objects it needs (an index, a ledger method, a dict) when it is
compiled, so a cell costs no lookup through the context (the transform's inner loop runs
once per cell: `./dev bench migrate`, docs/benchmarks.md).

The engine part is the same for every base: the ledger, the record ids seen, the ids of the
rows that loaded (a link resolves against them), the columns of each target table. The
customer part exists because of how this customer's base was built: batches as free text,
owners named in a legacy text column, research assets linked to a company or a contact,
message texts copied into contact columns, activities entered twice, owners sharing an
email address, and an audit log that names tables in its own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from leadgen.migrate.coverage import Catalog
from leadgen.migrate.ledger import Ledger
from leadgen.migrate.mapping import Mapping
from leadgen.migrate.transform.rules import BatchBook, NameIndex, person_key, row_ids

# (contact id, record id, field name, message key, value preview) of a dropped legacy cell
LegacyCell = tuple[UUID, str, str, Any, Any]


@dataclass(slots=True)
class CustomerState:
    """The state of the rules specific to this customer's base, filled record by record."""

    batches: BatchBook  # batch_name links: free-text batch names promoted to rows
    owner_names: NameIndex = field(default_factory=lambda: NameIndex(keyers=(person_key,)))
    company_names: NameIndex = field(default_factory=NameIndex)  # company_name links
    contact_company: dict[UUID, UUID | None] = field(default_factory=dict)  # research assets
    # Legacy message cells of contacts, checked at the end against their Messages' keys
    legacy: list[LegacyCell] = field(default_factory=list)
    legacy_contacts: set[UUID] = field(default_factory=set)  # contacts with a legacy cell
    message_keys: dict[UUID, set[Any]] = field(default_factory=dict)
    activity_keys: dict[tuple[Any, ...], str] = field(default_factory=dict)  # dedup → record
    owner_emails: dict[str, str] = field(default_factory=dict)  # email → first owner record
    # audit_log.Table: an Airtable table name (any case) or already a PG table name → PG table
    table_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_base(cls, mapping: Mapping, tenant_id: UUID) -> CustomerState:
        table_names = {t.target: t.target for t in mapping.tables.values()}
        table_names.update({t.name.casefold(): t.target for t in mapping.tables.values()})
        return cls(batches=BatchBook(tenant_id), table_names=table_names)


@dataclass(slots=True)
class TransformContext:
    """One run's engine state, and the customer's (`customer`)."""

    catalog: Catalog
    tenant_id: UUID
    ledger: Ledger
    row_id: Callable[[str], UUID]  # Airtable record id → the row's deterministic UUID
    customer: CustomerState
    # Airtable table name → {record id → row id} of the records whose row is loaded
    loaded: dict[str, dict[str, UUID]] = field(default_factory=dict)
    seen_records: set[str] = field(default_factory=set)  # record ids transformed so far
    # PG table → its columns in row order, as compile_plan made them (child tables too)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Airtable table name → names of the fields stashed for a link's fallback rule
    fallback_fields: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def for_run(cls, mapping: Mapping, catalog: Catalog, tenant_id: UUID) -> TransformContext:
        fallback_fields: dict[str, set[str]] = {}
        for f in mapping.fields():
            if f.fallback and f.fallback != "createdTime":
                fallback_fields.setdefault(f.table, set()).add(f.fallback)
        return cls(catalog=catalog, tenant_id=tenant_id, ledger=Ledger(),
                   row_id=row_ids(tenant_id), customer=CustomerState.for_base(mapping, tenant_id),
                   loaded={t: {} for t in mapping.tables}, fallback_fields=fallback_fields)

    def loaded_ids(self, airtable_table: str) -> dict[str, UUID]:
        """The loaded rows of a table, by record id (the dict fills as the run goes on)."""
        return self.loaded.setdefault(airtable_table, {})

    def columns_of(self, table: str) -> tuple[str, ...]:
        return self.columns[table]


__all__ = ["CustomerState", "LegacyCell", "TransformContext"]
