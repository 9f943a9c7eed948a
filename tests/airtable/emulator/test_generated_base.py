"""A base from the generator (`leadgen.airtable.generate`) is served exactly as written, and
the emulator's derived cells agree with the generator's."""

from __future__ import annotations

from typing import Any

import pytest
from pyairtable import Api

from leadgen.airtable.emulator import run_emulator
from leadgen.airtable.generate import write_generated
from leadgen.airtable.snapshot import Snapshot

CLOCK_BOUND = {"Days Since Created"}  # DATETIME_DIFF(NOW(), …): depends on when it is read


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    out = tmp_path_factory.mktemp("generated")
    write_generated(out, companies=6, seed=11)
    return Snapshot.open(out)


def test_every_table_by_name_and_id(generated: Snapshot) -> None:
    with run_emulator(generated, rate_limit=0) as emu:
        api = Api(emu.token, endpoint_url=emu.url)
        assert api.base(emu.base_id).schema().tables[0].id == generated.tables[0]["id"]
        for table in generated.tables:
            want = generated.records(table["id"])
            assert api.table(emu.base_id, table["id"]).all(use_field_ids=True) == want
            names = {f["id"]: f["name"] for f in table["fields"]}
            by_name = api.table(emu.base_id, table["name"]).all(page_size=7, view="Grid view")
            assert by_name == [
                {**r, "fields": {names[k]: v for k, v in r["fields"].items()}} for r in want
            ]


def _cells(rows: list[dict[str, Any]], skip: set[str]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r["fields"].items() if k not in skip} for r in rows]


def test_recomputed_cells_match_the_generator(generated: Snapshot) -> None:
    with run_emulator(generated, rate_limit=0) as emu:
        emu.store.recompute_all()
        for table in generated.tables:
            skip = {f["id"] for f in table["fields"] if f["name"] in CLOCK_BOUND}
            got = _cells(emu.store.list_records(table["id"]), skip)
            assert got == _cells(generated.records(table["id"]), skip), table["name"]


def test_filtered_reads_match_a_python_filter(generated: Snapshot) -> None:
    with run_emulator(generated, rate_limit=0) as emu:
        api = Api(emu.token, endpoint_url=emu.url)
        for table in generated.tables:
            rows = generated.records(table["id"])
            half = [r["id"] for r in rows[::2]]
            if not half:
                continue
            formula = "OR(" + ",".join(f"RECORD_ID()='{i}'" for i in half) + ")"
            got = api.table(emu.base_id, table["name"]).all(formula=formula, use_field_ids=True)
            assert got == [r for r in rows if r["id"] in half]
