"""One cycle's change set: which records were created, edited or deleted in Airtable.

1. changed: per mapped table, the records created or modified after `since` (one request per
   table when nothing changed; sync_reader.py). Records that come back identical to the
   archived copy (the overlap window re-reads recent edits) are not changes.
2. suspects, re-read by RECORD_ID() — what LAST_MODIFIED_TIME() does not reveal (it reflects
   edits of non-computed fields only: https://support.airtable.com/docs/formula-field-reference):
   * a computed field (Messages.Label = CONCATENATE({Contact}, …), a count, a lookup) changes
     when the linked record changes, without touching its own record's timestamp: the records
     linking to a changed record through the field's links are re-read (the mapping loads
     some of these values, and the raw archive keeps all of them);
   * a link edited from the side the mapping does not load (Companies.Contacts, derived) may
     not bump the loaded side's timestamp: the records added to or removed from it are re-read.
3. deleted: an id-only scan of every mapped table; whatever the archive (or this cycle) knows
   and the scan does not list is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leadgen.airtable.formula import field_refs, parse
from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.snapshot import JSON, Record
from leadgen.migrate.mapping import Mapping
from leadgen.sync.reader import AirtableReader

COMPUTED = ("formula", "rollup", "multipleLookupValues", "count")


@dataclass
class ChangeSet:
    """What changed, by table id."""

    upserts: dict[str, dict[str, Record]] = field(default_factory=dict)
    deleted: dict[str, set[str]] = field(default_factory=dict)
    returned: dict[str, int] = field(default_factory=dict)  # records the change scans returned
    refetched: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(len(v) for v in self.upserts.values())

    @property
    def deletions(self) -> int:
        return sum(len(v) for v in self.deleted.values())

    @property
    def empty(self) -> bool:
        return not self.changed and not self.deletions


def mapped_tables(schema: JSON, mapping: Mapping) -> list[JSON]:
    return [t for t in schema["tables"] if t["name"] in mapping.tables]


def _kind(mapping: Mapping, table: str, name: str) -> str:
    tm = mapping.tables.get(table)
    f = tm.fields.get(name) if tm else None
    return f.kind if f else "drop"


def computed_links(table: JSON) -> list[JSON]:
    """Link fields of `table` that a computed field of it reads through.

    All computed fields count, not only those the mapping loads: the raw archive
    (airtable_records) is kept exact too, and verify compares it.
    """
    by_key = {f["id"]: f for f in table["fields"]} | {f["name"]: f for f in table["fields"]}
    found: dict[str, JSON] = {}
    for f in table["fields"]:
        if f["type"] not in COMPUTED:
            continue
        opts = f.get("options") or {}
        refs: set[str] = set()
        if opts.get("recordLinkFieldId"):
            refs.add(opts["recordLinkFieldId"])
        if opts.get("formula"):
            try:
                refs |= field_refs(parse(opts["formula"]))
            except FormulaError:
                refs |= set(by_key)  # unreadable formula: suspect every link
        for ref in refs:
            g = by_key.get(ref)
            if g is not None and g["type"] == "multipleRecordLinks":
                found[g["id"]] = g
    return list(found.values())


def _links(record: Record | None, field_id: str) -> set[str]:
    value = ((record or {}).get("fields") or {}).get(field_id)
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def suspects(schema: JSON, mapping: Mapping, archive: dict[str, dict[str, Record]],
             fetched: dict[str, dict[str, Record]]) -> dict[str, set[str]]:
    """Records to re-read because a change elsewhere may have changed them silently."""
    tables = {t["id"]: t for t in mapped_tables(schema, mapping)}
    out: dict[str, set[str]] = {}

    def add(table_id: str, ids: set[str]) -> None:
        if table_id in tables:
            ids = ids - set(fetched.get(table_id, {}))
            if ids:
                out.setdefault(table_id, set()).update(ids)

    for table in tables.values():
        for link in computed_links(table):
            opts = link.get("options") or {}
            other, inverse = opts.get("linkedTableId", ""), opts.get("inverseLinkFieldId")
            changed = fetched.get(other, {})
            if not changed:
                continue
            if inverse:
                for rec_id, rec in changed.items():
                    old = archive.get(other, {}).get(rec_id)
                    add(table["id"], _links(rec, inverse) | _links(old, inverse))
            else:
                add(table["id"], {rid for rid, r in archive.get(table["id"], {}).items()
                                  if _links(r, link["id"]) & set(changed)})
        for f in table["fields"]:
            opts = f.get("options") or {}
            if f["type"] != "multipleRecordLinks" or not opts.get("inverseLinkFieldId"):
                continue
            if _kind(mapping, table["name"], f["name"]) != "derived":
                continue
            for rec_id, rec in fetched.get(table["id"], {}).items():
                old = archive.get(table["id"], {}).get(rec_id)
                add(opts.get("linkedTableId", ""), _links(rec, f["id"]) ^ _links(old, f["id"]))
    return out


SMALL_TABLE = 100  # records: a table this small fits one page of a full read


def differs(old: Record | None, new: Record) -> bool:
    if old is None:
        return True
    return bool(old.get("fields") != new.get("fields")
                or old.get("createdTime") != new.get("createdTime"))


def detect_changes(reader: AirtableReader, schema: JSON, mapping: Mapping,
                   archive: dict[str, dict[str, Record]], since: str | None) -> ChangeSet:
    """Ask Airtable what changed since `since` (everything, when None)."""
    tables = mapped_tables(schema, mapping)
    fetched: dict[str, dict[str, Record]] = {}
    listed: dict[str, set[str]] = {}  # tables read whole: their ids need no separate scan
    changes = ChangeSet()
    for t in tables:
        if len(archive.get(t["id"], {})) < SMALL_TABLE:
            # One page holds the whole table: reading it in full costs the same single request
            # as the change query and answers the id scan too; only what differs from the
            # archive counts as changed (else every record would look touched).
            whole = reader.all_records(t)
            listed[t["id"]] = {r["id"] for r in whole}
            known = archive.get(t["id"], {})
            records = [r for r in whole if differs(known.get(r["id"]), r)]
        elif since is None:
            records = reader.changed_since(t, "1970-01-01T00:00:00.000Z")
        else:
            records = reader.changed_since(t, since)
        fetched[t["id"]] = {r["id"]: r for r in records}
        changes.returned[t["id"]] = len(records)
    by_id = {t["id"]: t for t in tables}
    for table_id, ids in suspects(schema, mapping, archive, fetched).items():
        again = reader.fetch(by_id[table_id], ids)
        changes.refetched[table_id] = len(again)
        fetched[table_id].update({r["id"]: r for r in again})
    for t in tables:
        present = listed[t["id"]] if t["id"] in listed else reader.record_ids(t)
        # Gone: known to PostgreSQL and not listed any more. A record created and deleted
        # within the cycle was never known: it is simply not applied.
        gone = set(archive.get(t["id"], {})) - present
        if gone:
            changes.deleted[t["id"]] = gone
        ups = {rid: r for rid, r in fetched[t["id"]].items()
               if rid in present and differs(archive.get(t["id"], {}).get(rid), r)}
        if ups:
            changes.upserts[t["id"]] = ups
    return changes


def jsonb_order(record: Record) -> Record:
    """The record with its cells in the order PostgreSQL's jsonb keeps keys (shorter first,
    then bytewise). The archive's digest is taken over the serialised cells, so every record
    the sync hands to the engine must serialise the same way whether it comes from Airtable
    or back from the archive — otherwise unchanged records would look changed every cycle."""
    cells = record.get("fields") or {}
    ordered = {k: cells[k] for k in sorted(cells, key=lambda k: (len(k.encode()), k.encode()))}
    return {**record, "fields": ordered}


def apply_changes(archive: dict[str, dict[str, Record]], changes: ChangeSet,
                  schema: JSON) -> dict[str, list[Record]]:
    """The base as it is now: the archive with the changes applied, in creation order."""
    out: dict[str, list[Record]] = {}
    for t in schema["tables"]:
        current: dict[str, Record] = dict(archive.get(t["id"], {}))
        for rec_id in changes.deleted.get(t["id"], set()):
            current.pop(rec_id, None)
        new: list[Record] = []
        for rec_id, raw in changes.upserts.get(t["id"], {}).items():
            rec = jsonb_order(raw)
            if rec_id in current:
                current[rec_id] = rec
            else:
                new.append(rec)
        new.sort(key=lambda r: (str(r.get("createdTime") or ""), r["id"]))
        out[t["id"]] = [*current.values(), *new]
    return out


def summary(changes: ChangeSet, schema: JSON, reads: dict[str, Any]) -> dict[str, Any]:
    """Per table: changed, deleted, requests (for sync_cycles.tables and --status)."""
    names = {t["id"]: t["name"] for t in schema["tables"]}
    out: dict[str, Any] = {}
    for table_id, name in names.items():
        r = reads.get(table_id)
        if r is None and table_id not in changes.returned:
            continue
        out[name] = {
            "changed": len(changes.upserts.get(table_id, {})),
            "deleted": len(changes.deleted.get(table_id, set())),
            "returned": changes.returned.get(table_id, 0),
            "refetched": changes.refetched.get(table_id, 0),
            "requests": r.total if r is not None else 0,
            "scan_requests": r.scan if r is not None else 0,
        }
    return out
