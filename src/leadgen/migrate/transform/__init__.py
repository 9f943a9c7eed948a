"""Snapshot records → rows of the tenant's tables, the ledger and the rejects (no database).

`snapshot_rows.transform_snapshot` is the entry point; `process.TransformProcess` runs the same
transform in a forked process and streams its chunks back.
"""
