"""Rows → PostgreSQL: staged upserts and deletes, or a direct COPY into a tenant's empty table.

`stager.Stager` is the entry point, constructed with a `setup.LoadSetup` (what is fixed for
the transaction); `direct_copy` and `foreign_keys` serve first loads, `wire` and
`copy_binary` the binary COPY stream the transform process writes.
"""
