"""Snapshot records → rows of the tenant's tables, the ledger and the rejects (no database).

`snapshot_rows.transform_snapshot` is the entry point; `process.TransformProcess` runs the same
transform in a forked process and streams its chunks back. `snapshot_rows.Transformer` builds
the run's `context.TransformContext` (the engine's state and, as `CustomerState`, the state of
the rules specific to this customer's base); `plan.compile_plan` compiles each table's plan
with one handler per field (handlers.py), and the record rules (records.py) run per record.
Both receive the context and nothing else of the Transformer.
"""
