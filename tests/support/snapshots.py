"""Helpers for the migration tests: hand-written snapshots, tenants, table dumps."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from leadgen.airtable.snapshot import write_snapshot
from leadgen.db.connect import admin_transaction
from leadgen.migrate.load.stager import LOAD_ORDER
from leadgen.migrate.mapping import bundled_schema
from leadgen.migrate.transform.rules import row_id
from leadgen.migrate.transform.snapshot_rows import Transformer

SCHEMA = bundled_schema()
CREATED = "2024-05-01T10:00:00.000Z"


def rid(tag: str) -> str:
    """A valid 17-character record id made from a short tag."""
    body = "".join(ch for ch in tag if ch.isalnum())[:14]
    return "rec" + body + "X" * (14 - len(body))


def table_id(name: str) -> str:
    return next(t["id"] for t in SCHEMA["tables"] if t["name"] == name)


def field_ids(name: str) -> dict[str, str]:
    table = next(t for t in SCHEMA["tables"] if t["name"] == name)
    return {f["name"]: f["id"] for f in table["fields"]}


def make_snapshot(root: Path, tables: dict[str, list[dict[str, Any]]],
                  base_id: str = "appTestBase000001", schema: dict[str, Any] | None = None,
                  ) -> Path:
    """Write a snapshot whose records name fields by NAME (converted to ids here)."""
    schema = schema or SCHEMA
    records: dict[str, list[dict[str, Any]]] = {}
    for tname, recs in tables.items():
        t = next(t for t in schema["tables"] if t["name"] == tname)
        ids = {f["name"]: f["id"] for f in t["fields"]}
        records[t["id"]] = [
            {"id": r["id"], "createdTime": r.get("createdTime", CREATED),
             "fields": {ids.get(k, k): v for k, v in r["fields"].items()}}
            for r in recs
        ]
    write_snapshot(root, base_id=base_id, base_name="test", schema=schema, records=records,
                   exported_at="2025-01-01T00:00:00.000Z")
    return root


def count_cells(root: Path) -> tuple[int, int]:
    """(records, non-empty cells) counted straight from the JSONL files."""
    records = cells = 0
    for path in sorted((root / "records").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                records += 1
                cells += len(json.loads(line)["fields"])
    return records, cells


async def dump(url: str, tenant_id: uuid.UUID, tables: list[str] | None = None,
               ) -> dict[str, list[str]]:
    """Every row of the tenant's tables as sorted JSON text (byte-comparable)."""
    conn = await asyncpg.connect(url)
    out: dict[str, list[str]] = {}
    try:
        async with admin_transaction(conn):
            for t in tables or LOAD_ORDER:
                rows = await conn.fetch(
                    f"SELECT to_jsonb(x)::text AS j FROM {t} x WHERE tenant_id = $1", tenant_id)
                out[t] = sorted(r["j"] for r in rows)
    finally:
        await conn.close()
    return out


def digest(d: dict[str, list[str]]) -> str:
    h = hashlib.sha256()
    for t in sorted(d):
        h.update(t.encode())
        for row in d[t]:
            h.update(row.encode())
    return h.hexdigest()


def record_ids(*roots: Path) -> set[str]:
    """Every record id the snapshots hold or mention (audit entries name deleted records)."""
    text = " ".join((p.read_text("utf-8")) for root in roots
                    for p in (root / "records").glob("*.jsonl"))
    return set(re.findall(r"\brec[A-Za-z0-9]{14}\b", text))


async def canonical(url: str, tenant_id: uuid.UUID, known: set[str] = frozenset(),  # type: ignore[assignment]
                    ) -> dict[str, list[str]]:
    """The tenant's rows with every id replaced by what it stands for (tenant-independent).

    `known`: record ids whose uuid may appear without a row (audit entries about deleted
    records)."""
    raw = await dump(url, tenant_id)
    names: dict[str, str] = {str(tenant_id): "TENANT"}
    names.update({str(row_id(tenant_id, r)): f"rec:{r}" for r in known})
    for t, rows in raw.items():
        for text in rows:
            row = json.loads(text)
            if row.get("airtable_record_id"):
                names[row["id"]] = f"{t}:{row['airtable_record_id']}"
            elif t == "batches":
                names[row["id"]] = f"batch:{row['name']}"
    for text in raw["company_tags"]:
        row = json.loads(text)
        names[row["id"]] = f"tag:{names.get(row['company_id'])}:{row['category']}:{row['value']}"
    out: dict[str, list[str]] = {}
    for t, rows in raw.items():
        canon = []
        for text in rows:
            row = json.loads(text)
            row.pop("updated_at", None)
            if t in ("batches", "company_enrichment_l2", "contact_enrichment"):
                row.pop("created_at", None)  # database default now(): not from the snapshot
            canon.append(json.dumps({k: names.get(v, v) if isinstance(v, str) else v
                                     for k, v in row.items()}, sort_keys=True))
        out[t] = sorted(canon)
    return out


def tamper_first_row(monkeypatch: pytest.MonkeyPatch, table: str, column: str,
                     value: Any) -> None:
    """Make the transform put `value` in `column` of the first row of `table` (a transform
    bug, planted to see what the load does with it)."""
    real_run = Transformer.run

    def run(self: Transformer, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for name, rows in real_run(self, *args, **kwargs):
            if name == table and rows:
                at = self.plans_columns[table].index(column)
                rows = [tuple(value if i == at else v for i, v in enumerate(rows[0])),
                        *rows[1:]]
            yield name, rows

    monkeypatch.setattr(Transformer, "run", run)
