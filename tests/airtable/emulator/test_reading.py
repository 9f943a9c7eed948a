"""The real pyairtable client reads the emulated base exactly as the snapshot holds it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_snapshot import BASE_ID, C1, C2, P1, P3, Names
from pyairtable import Api

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.snapshot import Snapshot


def by_name(snapshot: Snapshot, table: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    names = {f["id"]: f["name"] for f in table["fields"]}
    return {**record, "fields": {names[k]: v for k, v in record["fields"].items()}}


def test_every_table_reads_back_as_the_snapshot_by_field_id(api: Api, snapshot: Snapshot) -> None:
    for table in snapshot.tables:
        got = api.table(BASE_ID, table["id"]).all(use_field_ids=True)
        assert got == snapshot.records(table["id"]), table["name"]


def test_every_table_reads_back_by_field_name(api: Api, snapshot: Snapshot) -> None:
    for table in snapshot.tables:
        got = api.table(BASE_ID, table["name"]).all()
        want = [by_name(snapshot, table, r) for r in snapshot.records(table["id"])]
        assert got == want, table["name"]


def test_use_field_ids_on_the_api_object(emulator: Emulator, snapshot: Snapshot) -> None:
    api = Api(emulator.token, endpoint_url=emulator.url, use_field_ids=True)
    table = snapshot.table("Contacts")
    assert api.table(BASE_ID, "Contacts").all() == snapshot.records(table["id"])


def test_empty_cells_are_omitted_and_zero_is_kept(api: Api) -> None:
    globex = api.table(BASE_ID, "Companies").get(C2)
    assert globex["fields"]["Contact Count"] == 0  # a count of 0 is sent
    assert "Contacts" not in globex["fields"]  # an empty link is not
    bob = api.table(BASE_ID, "Owners").get("recOwnerBob000002")
    assert "Active" not in bob["fields"]  # an unchecked checkbox is simply missing
    assert set(bob) == {"id", "createdTime", "fields"}


def test_view_by_name_and_id_returns_the_grid(api: Api, snapshot: Snapshot) -> None:
    table = snapshot.table("Companies")
    view = table["views"][0]
    for key in (view["name"], view["id"]):
        assert [r["id"] for r in api.table(BASE_ID, "Companies").all(view=key)] == [
            r["id"] for r in snapshot.records(table["id"])
        ]


def test_fields_sort_and_paging(api: Api) -> None:
    companies = api.table(BASE_ID, "Companies")
    rows = companies.all(fields=["Company Name", "Tier"], sort=["-Company Name"])
    assert [r["fields"]["Company Name"] for r in rows] == ["Initech", "Globex", "Acme"]
    assert all(set(r["fields"]) <= {"Company Name", "Tier"} for r in rows)
    pages = list(companies.iterate(page_size=2))
    assert [len(p) for p in pages] == [2, 1]


def test_max_records_applies_across_pages(api: Api, emulator: Emulator) -> None:
    for i in range(30):
        emulator.store.create_record("Owners", {"Name": f"Owner {i:02d}"})
    pages = list(api.table(BASE_ID, "Owners").iterate(page_size=10, max_records=25))
    assert [len(p) for p in pages] == [10, 10, 5]  # maxRecords caps the total, not each page


def test_sort_by_single_select_uses_option_order_and_empties_first(api: Api) -> None:
    rows = api.table(BASE_ID, "Companies").all(sort=["Status"])
    assert [r["fields"].get("Status") for r in rows] == [None, "New", "Triage: Passed"]


def test_get_record_and_base_wide_fallback(api: Api) -> None:
    assert api.table(BASE_ID, "Companies").get(C1)["fields"]["Company Name"] == "Acme"
    # A contact fetched through the Companies table is still found (https://airtable.com/developers/web/api/get-record).
    assert api.table(BASE_ID, "Companies").get(P3)["fields"]["Full Name"] == "Cara Diaz"
    ids = api.table(BASE_ID, "Contacts").get(P1, use_field_ids=True)["fields"]
    assert all(k.startswith("fld") for k in ids)


def test_first_and_comment_count(api: Api) -> None:
    first = api.table(BASE_ID, "Companies").first(count_comments=True)
    assert first is not None and first["id"] == C1 and first.get("commentCount") == 0


def test_schema_bases_and_whoami(api: Api, snapshot: Snapshot) -> None:
    schema = api.base(BASE_ID).schema()
    assert [t.id for t in schema.tables] == [t["id"] for t in snapshot.tables]
    companies = schema.table("Companies")
    assert companies.field("Contacts").type == "multipleRecordLinks"
    assert companies.views[0].visible_field_ids  # sent because pyairtable asks via `include`
    assert [b.id for b in api.bases()] == [BASE_ID]
    assert api.whoami()["id"].startswith("usr")


def test_table_name_with_encoded_characters(api: Api) -> None:
    # `research_directory` is fine; a name with a space goes through %20 encoding.
    assert len(api.table(BASE_ID, "CRM Events").all()) == 0
    assert api.table(BASE_ID, "research_directory").all() == []


def test_raw_get_keeps_json_content_type(emulator: Emulator) -> None:
    response = requests.get(
        f"{emulator.url}/v0/{BASE_ID}/Companies",
        params={"pageSize": 1, "fields[]": "Company Name", "returnFieldsByFieldId": "true"},
        headers={"Authorization": f"Bearer {emulator.token}"},
        timeout=5,
    )
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["records"][0]["fields"] == {"fldzPiBbjM0enbDjW": "Acme"}
    assert body["offset"].startswith("itr") and body["offset"].split("/")[1].startswith("rec")


def test_page_size_zero_and_empty_offset(emulator: Emulator) -> None:
    headers = {"Authorization": f"Bearer {emulator.token}"}
    url = f"{emulator.url}/v0/{BASE_ID}/Companies"
    assert requests.get(url, params={"pageSize": 0}, headers=headers, timeout=5).json() == {
        "records": []
    }
    body = requests.get(url, params={"offset": ""}, headers=headers, timeout=5).json()
    assert len(body["records"]) == 3 and "offset" not in body


@pytest.mark.parametrize("table", ["Companies", "Contacts"])
def test_defined_view_filters_and_orders(
    api: Api, emulator: Emulator, names: Names, table: str
) -> None:
    primary = {"Companies": "Company Name", "Contacts": "Full Name"}[table]
    emulator.store.define_view(table, "Grid view", sort=[(primary, "desc")])
    rows = api.table(BASE_ID, table).all(view="Grid view")
    values = [r["fields"][primary] for r in rows]
    assert values == sorted(values, reverse=True)
