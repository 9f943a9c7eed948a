"""The mapped view (verify_mapped.py): what the mapping made of each record, answering a
formula the cheap way (only records the mapping changed are evaluated again) exactly as a
full evaluation over the same records does."""

from __future__ import annotations

import uuid
from pathlib import Path

from leadgen.airtable.generate import write_generated
from leadgen.airtable.snapshot import Snapshot
from leadgen.db.connect import connect
from leadgen.migrate.coverage import read_catalog
from leadgen.migrate.mapping import load_mapping
from leadgen.migrate.transform.snapshot_rows import transform_snapshot
from leadgen.verify.base_view import BaseView
from leadgen.verify.mapped import MappedBase
from leadgen.verify.queries import (
    DRAFT,
    batch_formula,
    contacts_formula,
    plan_parameters,
    quote,
)
from support.adversarial import every_reject_records
from support.snapshots import make_snapshot


async def mapped_base(url: str, root: Path) -> MappedBase:
    snap = Snapshot.open(root)
    conn = await connect(url)
    try:
        catalog = await read_catalog(conn)
    finally:
        await conn.close()
    mapping = load_mapping(None, schema=snap.schema)
    transformed = transform_snapshot(snap, mapping, catalog, uuid.uuid4())
    return MappedBase.build(BaseView.from_snapshot(snap), mapping, transformed, catalog)


async def test_mapped_view_answers_like_a_full_evaluation(database_url: str,
                                                          tmp_path: Path) -> None:
    generated = tmp_path / "gen"
    write_generated(generated, companies=12, seed=7)
    hand_made = make_snapshot(tmp_path / "hand", every_reject_records())
    differing = 0
    for root in (generated, hand_made):
        mb = await mapped_base(database_url, root)
        full = BaseView(schema=mb.view.schema, records=mb.view.records)
        needles, owners = plan_parameters(mb.raw)
        formulas = [("Contacts", batch_formula(n)) for n in needles]
        formulas += [("Contacts", contacts_formula(n, o)) for n in needles
                     for o in (None, *owners)]
        formulas += [("Messages", f"AND({{Owner}}={quote(o)}, {DRAFT})") for o in owners]
        for table, formula in formulas:
            raw = mb.raw.select(table, formula)
            mapped = mb.view.select(table, formula)
            assert set(mapped) == set(full.select(table, formula)), formula
            differing += set(raw) != set(mapped)
    assert differing > 0  # the mapping does change some answers: the comparison is not idle
