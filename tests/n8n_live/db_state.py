"""A tenant's rows as a comparable state, and the change between two states.

`tenant_state` reads every row of every tenant table (as the owner, so nothing hides behind
RLS), keyed by primary key. `changes(before, after)` is what a run did: per changed row the
columns and their new values, the inserted rows (by content: their generated ids are replaced
by placeholders) and the deleted keys. Columns set from `now()` (names ending in `_at`) are
compared as "changed" only, since two runs never share a clock. Two runs that made the same
changes give equal `changes`, so the n8n run and the Python runner's prediction can be
compared exactly, and every row outside the change is thereby proven untouched; `digest`
fingerprints those other rows for the report line.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from support.tenants import TENANT_TABLES

NOW = "<now>"
NEW = "<new>"

Key = tuple[str, str]  # table, primary key as JSON
State = dict[Key, dict[str, Any]]


async def tenant_state(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> State:
    state: State = {}
    for table in TENANT_TABLES:
        pk = await conn.fetch(
            """SELECT a.attname FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
               WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum""", table)
        cols = [r[0] for r in pk]
        rows = await conn.fetch(
            f"SELECT to_jsonb(t)::text AS doc FROM {table} t WHERE t.tenant_id = $1", tenant_id)
        for r in rows:
            doc = json.loads(r["doc"])
            state[(table, json.dumps([doc[c] for c in cols]))] = doc
    return state


@dataclass
class Changes:
    updated: dict[Key, dict[str, Any]] = field(default_factory=dict)
    inserted: list[tuple[str, str]] = field(default_factory=list)  # table, row JSON
    deleted: list[Key] = field(default_factory=list)

    def summary(self) -> str:
        tables = sorted({k[0] for k in self.updated} | {t for t, _ in self.inserted})
        return (f"{len(self.updated)} rows updated, {len(self.inserted)} inserted, "
                f"{len(self.deleted)} deleted ({', '.join(tables) or 'none'})")


def _stable(column: str, value: Any, new_ids: set[str]) -> Any:
    if column.endswith("_at"):
        return NOW if value is not None else None
    if isinstance(value, str) and value in new_ids:
        return NEW
    return value


def changes(before: State, after: State) -> Changes:
    out = Changes()
    new_keys = [k for k in after if k not in before]
    new_ids = {str(after[k].get("id")) for k in new_keys if after[k].get("id") is not None}
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            continue
        diff = {c: _stable(c, v, new_ids) for c, v in row.items() if old.get(c) != v}
        if diff:
            out.updated[key] = diff
    for key in new_keys:
        doc = {c: _stable(c, v, new_ids) for c, v in after[key].items()}
        out.inserted.append((key[0], json.dumps(doc, sort_keys=True)))
    out.inserted.sort()
    out.deleted = sorted(k for k in before if k not in after)
    return out


def digest(state: State, leave_out: set[Key]) -> str:
    """sha256 of every row except `leave_out`, in key order (short hex)."""
    h = hashlib.sha256()
    for key in sorted(k for k in state if k not in leave_out):
        h.update(json.dumps([key, state[key]], sort_keys=True).encode())
    return h.hexdigest()[:16]
