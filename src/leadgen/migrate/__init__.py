"""Airtable snapshot → tenant: the mapping as data, a pure transform, a bulk load, a ledger.

    load_mapping(path=None, schema=None) -> Mapping        mapping.py (the customer's TOML)
    read_catalog(conn) / check_against_database(...)       coverage.py (columns, pg_enum)
    transform_snapshot(snapshot, mapping, catalog, tenant_id) -> Transformed   transform/
    Stager(conn, columns, tenant_id, setup).copy / .finish  load/ (COPY, upsert, delete)
    await migrate_snapshot(url, snapshot, tenant_slug, ...) -> MigrationReport   run.py
    await load_snapshot(conn, snap, mapping, catalog, ...)  run.py (the one-transaction load;
                                                           sync cycles call it too)

`transform/` turns records into rows (handlers.py compiles one handler per field, records.py
holds the per-record rules, rules.py the deterministic ids and name normalisation, convert.py
the value converters, process.py runs it in a forked process); `load/` writes the rows
(stager.py stages, upserts and deletes, direct_copy.py COPYs first loads, foreign_keys.py checks
them in bulk, wire.py and copy_binary.py carry the rows between the processes); ledger.py is
the cell accounting, report.py what a person and a machine read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadgen.lazy import lazy_exports

if TYPE_CHECKING:
    from leadgen.migrate.mapping import FieldMapping, Mapping, TableMapping, load_mapping
    from leadgen.migrate.report import MigrationReport
    from leadgen.migrate.run import migrate_snapshot
    from leadgen.migrate.transform.snapshot_rows import (
        Transformed,
        Transformer,
        transform_snapshot,
    )
else:
    __getattr__ = lazy_exports(__name__, {
        "FieldMapping": "leadgen.migrate.mapping", "Mapping": "leadgen.migrate.mapping",
        "TableMapping": "leadgen.migrate.mapping", "load_mapping": "leadgen.migrate.mapping",
        "MigrationReport": "leadgen.migrate.report", "migrate_snapshot": "leadgen.migrate.run",
        "Transformed": "leadgen.migrate.transform.snapshot_rows",
        "Transformer": "leadgen.migrate.transform.snapshot_rows",
        "transform_snapshot": "leadgen.migrate.transform.snapshot_rows",
    })

__all__ = [
    "FieldMapping", "Mapping", "MigrationReport", "TableMapping", "Transformed", "Transformer",
    "load_mapping", "migrate_snapshot", "transform_snapshot",
]
