"""Airtable snapshot → tenant: the mapping as data, a pure transform, a bulk load, a ledger.

    load_mapping(path=None, schema=None) -> Mapping        mapping.py (the customer's TOML)
    read_catalog(conn) / check_against_database(...)       coverage.py (columns, pg_enum)
    transform_snapshot(snapshot, mapping, catalog, tenant_id) -> Transformed   transform.py
    Stager(conn, columns).copy / .apply                    load.py (COPY, upsert, delete)
    check_foreign_keys(conn, tables, tenant_id)            foreign_keys.py (first loads)
    TransformProcess(tr, snapshot).chunks()                transform_process.py (forked)
    await migrate_snapshot(url, snapshot, tenant_slug, ...) -> MigrationReport   run.py

Module map: handlers.py compiles one handler per field, records.py holds the per-record rules
(owner fallback, research entity, activity dedup, NOT NULL), rules.py the deterministic ids
and name normalisation, convert.py the value converters, ledger.py the cell accounting.
"""

from leadgen.migration.mapping import FieldMapping, Mapping, TableMapping, load_mapping
from leadgen.migration.report import MigrationReport
from leadgen.migration.run import migrate_snapshot
from leadgen.migration.transform import Transformed, Transformer, transform_snapshot

__all__ = [
    "FieldMapping", "Mapping", "MigrationReport", "TableMapping", "Transformed", "Transformer",
    "load_mapping", "migrate_snapshot", "transform_snapshot",
]
