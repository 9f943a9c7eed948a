"""Snapshot → rows per target table, the ledger, the rejects: pure (no database).

    tr = Transformer(mapping, catalog, tenant_id, base_id)
    for table, rows in tr.run(snapshot): …          # streamed in chunks, FK order
    transform_snapshot(snapshot, mapping, catalog, tenant_id) -> Transformed   # all in memory

Tables are processed parents first (owners → companies → contacts → … → audit_log) so a link
resolves against the rows that actually loaded: a link to a record that was rejected is a
dangling link too. Each record: every cell through its compiled handler, then the record
rules (owner fallback from legacy text, research entity, activity dedup, NOT NULL), then the
row is kept or rejected as a whole (its loaded cells become "row not loaded" rejects).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from typing import Any
from uuid import UUID

import orjson

from leadgen.airtable.snapshot import Snapshot
from leadgen.db.tables import TENANT_TABLES
from leadgen.errors import ConfigError
from leadgen.migrate.coverage import Catalog
from leadgen.migrate.ledger import DERIVED, DROPPED, LOADED, REJECTED, Ledger, Reject
from leadgen.migrate.mapping import Mapping, TableMapping
from leadgen.migrate.transform import convert
from leadgen.migrate.transform.context import TransformContext
from leadgen.migrate.transform.plan import compile_plan
from leadgen.migrate.transform.records import RecordState, TablePlan
from leadgen.migrate.transform.rules import BatchBook

TARGET_ORDER = TENANT_TABLES  # the mapping's tables are handled parents first (db/tables.py)
# records._after_message keeps message keys only for contacts with legacy cells
assert TARGET_ORDER.index("contacts") < TARGET_ORDER.index("messages")
ARCHIVE_COLUMNS = ("tenant_id", "base_id", "table_id", "record_id", "created_time", "fields",
                   "raw", "fields_sha256")
BATCH_COLUMNS = ("id", "tenant_id", "name")
# Columns of the tables whose rows are not described by a plan of the mapping
FIXED_COLUMNS = {"airtable_records": ARCHIVE_COLUMNS, "batches": BATCH_COLUMNS}
CHUNK = 5000
COMPLETE, FINAL_BATCHES = "<complete>", "<final batches>"  # milestones of Transformer.run


@dataclass(frozen=True)
class Completed:
    """Every row of these PG tables from one Airtable table (`table_id`) has been yielded;
    `rejects` are the ledger's new rejects since the previous milestone, in order."""

    tables: tuple[str, ...]
    table_id: str
    rejects: tuple[Reject, ...] = ()

__all__ = ["COMPLETE", "FINAL_BATCHES", "Completed", "RecordState", "Transformed",
           "Transformer", "transform_snapshot"]


class Transformer:
    """One run of the transform: the engine around a TransformContext (context.py), which
    holds what the handlers and record rules share (ids of loaded rows, the ledger, the
    customer's state), plus the archive and the rows waiting to be yielded."""

    def __init__(self, mapping: Mapping, catalog: Catalog, tenant_id: UUID, base_id: str,
                 archive: bool = True) -> None:
        self.mapping, self.catalog, self.tenant_id, self.base_id = (
            mapping, catalog, tenant_id, base_id)
        self.archive = archive
        # record id → (table id, created time, digest) already in the archive (run.py fills it)
        self.archived: dict[str, tuple[str, Any, bytes]] = {}
        self.context = TransformContext.for_run(mapping, catalog, tenant_id)
        self.out: dict[str, list[Any]] = {}

    @property
    def ledger(self) -> Ledger:
        return self.context.ledger

    @ledger.setter
    def ledger(self, ledger: Ledger) -> None:  # process.py: the child's ledger, copied back
        self.context.ledger = ledger

    @property
    def plans_columns(self) -> dict[str, tuple[str, ...]]:
        """PG table → its columns in row order (filled as the plans are compiled)."""
        return self.context.columns

    @property
    def batches(self) -> BatchBook:
        return self.context.customer.batches

    # -- the run --------------------------------------------------------------------------
    def ordered_tables(self) -> list[TableMapping]:
        order = {t: i for i, t in enumerate(TARGET_ORDER)}
        return sorted(self.mapping.tables.values(),
                      key=lambda t: (order.get(t.target, len(order)), t.name))

    def run(self, snapshot: Snapshot, milestones: bool = False,
            ) -> Iterator[tuple[str, list[Any]]]:
        """Yield (pg table, rows) chunks, parents first; the batches come last.

        With `milestones` (the loader's mode) new batches are yielded as soon as they are seen,
        (COMPLETE, [Completed]) follows each Airtable table so its rows can be upserted while
        the next table is transformed, and the batches' final names come as FINAL_BATCHES.
        """
        if not snapshot.complete:
            raise ConfigError(
                f"snapshot {snapshot.root} is incomplete (manifest says complete: false)",
                hint="resume `leadgen airtable export` until it finishes, then migrate",
            )
        for t in snapshot.tables:
            if t["name"] in self.mapping.tables:
                choices = [c["name"] for f in t["fields"] if f["name"] == "batch_name"
                           for c in (f.get("options") or {}).get("choices", [])]
                self.batches.prefer(choices)
        tables = self.ordered_tables()
        plans = [compile_plan(self.context, tm) for tm in tables]
        rejected = 0
        for plan in plans:
            for count, (raw, rec) in enumerate(read_table(snapshot, plan.tm.table_id or ""), 1):
                self.record(plan, raw, rec)
                if count % CHUNK == 0:
                    yield from self.flush(milestones)
            yield from self.flush(milestones)
            if milestones:
                new = tuple(self.ledger.rejects[rejected:])
                rejected += len(new)
                yield COMPLETE, [Completed(plan.completes(), plan.tm.table_id or "", new)]
        self.check_legacy()
        merged = self.batches.merged_variants()
        for name, variants in merged.items():
            self.ledger.summarise("batch_variants_merged", batch=name, variants=variants)
        yield (FINAL_BATCHES if milestones else "batches"), self.batches.rows()

    def flush(self, milestones: bool = False) -> Iterator[tuple[str, list[Any]]]:
        if milestones:
            new_batches = self.batches.take_pending()
            if new_batches:
                yield "batches", new_batches
        out, self.out = self.out, {}
        yield from out.items()

    def emit(self, table: str, row: Any) -> None:
        rows = self.out.get(table)
        if rows is None:
            rows = self.out[table] = []
        rows.append(row)

    def record(self, plan: TablePlan, raw: bytes, rec: dict[str, Any]) -> None:
        ctx = self.context
        tc = ctx.ledger.table(plan.tm.name)
        tc.records += 1
        rec_id, fields = rec["id"], rec["fields"]
        tc.non_empty += len(fields)
        created = _created(rec)
        if self.archive:
            self.emit("airtable_records", _archive_row(self, plan.tm, rec_id, created, rec, raw))
        st = RecordState(plan, self.tenant_id, rec_id, ctx.row_id(rec_id), created, fields)
        if rec_id in ctx.seen_records:
            for fid, v in fields.items():
                st.outs.append(REJECTED)
                st.reject(plan.names.get(fid, fid), v, "duplicate: the record id appears twice")
            return self._close(plan, st, tc, keep=False)
        ctx.seen_records.add(rec_id)
        get = plan.handlers.get
        st.outs = [h(v, st) if (h := get(fid)) is not None else _unknown_field(st, fid, v)
                   for fid, v in fields.items()]
        keep = plan.finish(ctx, st)
        self._close(plan, st, tc, keep)

    def _close(self, plan: TablePlan, st: RecordState, tc: Any, keep: bool) -> None:
        ctx = self.context
        if not keep and st.row_reason:
            for i, (fid, v) in enumerate(st.fields.items()):
                if st.outs[i] in (LOADED, DERIVED):
                    st.outs[i] = REJECTED
                    st.reject(plan.names.get(fid, fid), v, "row not loaded: " + st.row_reason)
        cells, outs = tc.cells, st.outs
        cells[LOADED] += outs.count(LOADED)
        cells[DERIVED] += outs.count(DERIVED)
        cells[DROPPED] += outs.count(DROPPED)
        cells[REJECTED] += outs.count(REJECTED)
        if st.rejects:
            tc.rejected += 1
            name = plan.tm.name
            for field_name, value, reason in st.rejects:
                ctx.ledger.reject(name, st.rec_id, field_name, value, reason)
        if not keep:
            return
        tc.loaded += 1
        ctx.loaded_ids(plan.tm.name)[st.rec_id] = st.uuid
        self.emit(plan.target, st.row)
        for table, row in st.splits.items():
            self.emit(table, row)
        for table, child in st.children:
            self.emit(table, child)
        plan.after_load(ctx, st)

    def check_legacy(self) -> None:
        """Legacy message cells (already dropped) are looked up in the contact's Messages."""
        found, customer = 0, self.context.customer
        for contact, rec_id, field_name, key, value in customer.legacy:
            if key in customer.message_keys.get(contact, ()):
                found += 1
                continue
            self.ledger.find("legacy_messages_not_found", table="Contacts", record_id=rec_id,
                             field=field_name, value=value)
        if customer.legacy:
            self.ledger.summarise("legacy_messages_found_in_messages", count=found,
                                  checked=len(customer.legacy))


def _unknown_field(st: RecordState, fid: str, value: Any) -> int:
    st.reject(fid, value, "invalid value: the field is not in the snapshot's schema")
    return REJECTED


def _created(rec: dict[str, Any]) -> Any:
    ct = rec.get("createdTime")
    try:
        return convert.parse_datetime(ct) if ct else None
    except convert.Bad:
        return None


def _archive_row(tr: Transformer, tm: TableMapping, rec_id: str, created: Any,
                 rec: dict[str, Any], raw: bytes) -> tuple[Any, ...]:
    """The archive row; `fields` (JSON as UTF-8 bytes, written as they are into the COPY
    stream: wire.py) is None when the archive already holds these exact bytes (the load then
    skips parsing and comparing that JSONB document)."""
    body, original = _fields_text(raw, rec) or orjson.dumps(rec["fields"]), None
    if b"\\u0000" in raw:
        original = raw
        body = orjson.dumps(orjson.loads(raw.replace(b"\\u0000", b"\\ufffd"))["fields"])
    digest = sha256(body + (original or b"")).digest()
    if tr.archived.get(rec_id) == (tm.table_id, created, digest):
        return (tr.tenant_id, tr.base_id, tm.table_id, rec_id, created, None, None, digest)
    return (tr.tenant_id, tr.base_id, tm.table_id, rec_id, created, body, original, digest)


_SCALARS = (str, int, float, bool, type(None))
_RECORD_KEYS = frozenset({"id", "createdTime", "commentCount", "fields"})


def _fields_text(raw: bytes, rec: dict[str, Any]) -> bytes | None:
    """The `fields` object's JSON text cut out of the record's line, when that is certain:
    the line holds only Airtable's record keys, `fields` last, the others with scalar
    values, so the first `"fields":` in it is that key (in valid JSON an unescaped quote
    followed by `fields":` can only open a key, and no other key or scalar can hold one),
    and the object runs to the line's closing brace. For an export's lines this is the
    bytes orjson.dumps would write again (the archive digest is unchanged), without
    serialising ~1 KB per record a second time; None: re-serialise."""
    if next(reversed(rec)) != "fields" or not rec.keys() <= _RECORD_KEYS or not all(
            type(v) in _SCALARS for k, v in rec.items() if k != "fields"):
        return None
    start = raw.find(b'"fields":')
    end = len(raw.rstrip())
    if start < 0 or raw[end - 1:end] != b"}":
        return None
    return raw[start + 9:end - 1]


def read_table(snapshot: Snapshot, table_id: str) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """(raw line, record) of one table, streamed; the manifest's count and sha256 are checked
    at the end (a mismatch raises, and the caller's transaction then writes nothing)."""
    path = snapshot.records_path(table_id)
    meta = (snapshot.manifest.get("tables") or {}).get(table_id) or {}
    if not path.exists():
        if meta.get("records"):
            raise ConfigError(f"snapshot {snapshot.root}: {path.name} is missing",
                              hint="re-run the export; the records file of this table is gone")
        return
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            digest.update(line)
            if line.isspace():  # a blank line (isspace stops at the first other byte)
                continue
            try:
                rec = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{lineno}: not a JSON record ({exc})",
                                  hint="the file is damaged; re-run the export") from exc
            if (type(rec) is not dict or type(rec.get("id")) is not str
                    or type(rec.get("fields")) is not dict):
                raise ConfigError(f"{path}:{lineno}: not an Airtable record (id, fields)",
                                  hint="each line is {\"id\", \"createdTime\", \"fields\"}")
            yield line, rec
    if meta.get("sha256") and digest.hexdigest() != meta["sha256"]:
        raise ConfigError(
            f"snapshot {snapshot.root}: {path.name} does not match the manifest's sha256",
            hint="the file was changed or truncated after the export; re-run the export",
        )


@dataclass
class Transformed:
    """The whole transformation of a snapshot in memory (for verify, sync and tests)."""

    rows: dict[str, list[Any]]
    columns: dict[str, tuple[str, ...]]
    ledger: Ledger
    batches: BatchBook


def transform_snapshot(snapshot: Snapshot, mapping: Mapping, catalog: Catalog,
                       tenant_id: UUID, archive: bool = True) -> Transformed:
    tr = Transformer(mapping, catalog, tenant_id, snapshot.base_id, archive=archive)
    rows: dict[str, list[Any]] = {}
    for table, chunk in tr.run(snapshot):
        rows.setdefault(table, []).extend(chunk)
    columns = {**tr.plans_columns, **FIXED_COLUMNS}
    return Transformed(rows=rows, columns=columns, ledger=tr.ledger, batches=tr.batches)

