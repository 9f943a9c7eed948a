"""Make every link two-way: whatever side a builder filled, both sides end up listing it.

Airtable keeps `A.f ∋ b  ⇔  B.g ∋ a` for a link field f with `inverseLinkFieldId` g; one-way
links (no inverse, e.g. Activity.Owner) are left as built.
"""

from __future__ import annotations

from typing import Any

from leadgen.airtable.generate.schema_index import SchemaIndex

Record = dict[str, Any]


def mirror_links(schema: SchemaIndex, records: dict[str, list[Record]]) -> None:
    """Union the edges of each link pair and write them to both sides, in first-seen order."""
    done: set[str] = set()
    for table in schema.tables:
        for fld in table.fields:
            if fld["type"] != "multipleRecordLinks" or fld["id"] in done:
                continue
            inverse = fld.get("options", {}).get("inverseLinkFieldId")
            if not inverse:
                continue
            other = schema.table_by_id(fld["options"]["linkedTableId"])
            done.update({fld["id"], inverse})
            _mirror_pair(records[table.id], fld["id"], records[other.id], inverse)


def _mirror_pair(side_a: list[Record], field_a: str, side_b: list[Record], field_b: str) -> None:
    a_filled = any(field_a in r["fields"] for r in side_a)
    b_filled = any(field_b in r["fields"] for r in side_b)
    if a_filled and not b_filled:
        _derive(side_a, field_a, side_b, field_b)
        return
    if b_filled and not a_filled:
        _derive(side_b, field_b, side_a, field_a)
        return
    edges: dict[tuple[str, str], None] = {}  # insertion-ordered set of (a_id, b_id)
    for rec in side_a:
        for target in rec["fields"].get(field_a, ()):
            edges[(rec["id"], target)] = None
    for rec in side_b:
        for source in rec["fields"].get(field_b, ()):
            edges[(source, rec["id"])] = None
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for a_id, b_id in edges:
        forward.setdefault(a_id, []).append(b_id)
        backward.setdefault(b_id, []).append(a_id)
    for rec in side_a:
        _set(rec, field_a, forward.get(rec["id"]))
    for rec in side_b:
        _set(rec, field_b, backward.get(rec["id"]))


def _derive(source: list[Record], field: str, target: list[Record], inverse: str) -> None:
    """The common case: builders filled one side only; the other follows in source order."""
    backward: dict[str, list[str]] = {}
    for rec in source:
        ids = rec["fields"].get(field)
        if ids:
            rid = rec["id"]
            for target_id in ids:
                backward.setdefault(target_id, []).append(rid)
    for rec in target:
        _set(rec, inverse, backward.get(rec["id"]))


def _set(rec: Record, field_id: str, ids: list[str] | None) -> None:
    if ids:
        rec["fields"][field_id] = ids
    else:
        rec["fields"].pop(field_id, None)  # empty cells are omitted, never []
