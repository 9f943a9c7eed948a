"""Writes through pyairtable: create, update, upsert, delete, with link symmetry and derived
cells (count, lookup, rollup) kept consistent."""

from __future__ import annotations

import pytest
import requests
from emulator_snapshot import A1, BASE_ID, C1, C2, C3, M1, O1, P1, P2, P3
from pyairtable import Api

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.snapshot import Snapshot


def test_create_links_and_updates_the_inverse_side(api: Api) -> None:
    contacts = api.table(BASE_ID, "Contacts")
    companies = api.table(BASE_ID, "Companies")
    new = contacts.create({"Full Name": "Dan Roe", "Company": [C2], "Job Title": "CEO"})
    assert new["id"].startswith("rec") and len(new["id"]) == 17
    assert new["fields"]["Company Tier"] == ["Tier 2 - Gold"]  # lookup of the linked company
    assert new["fields"]["Message Count"] == 0
    assert new["fields"]["Created"] == new["createdTime"]
    globex = companies.get(C2)["fields"]
    assert globex["Contacts"] == [new["id"]]  # symmetric link
    assert globex["Contact Count"] == 1
    assert globex["Primary Contact Name"] == ["Dan Roe"]


def test_update_moves_a_link_and_both_sides_follow(api: Api) -> None:
    contacts = api.table(BASE_ID, "Contacts")
    companies = api.table(BASE_ID, "Companies")
    contacts.update(P2, {"Company": [C3], "Enrichment Cost ($)": 2.0})
    acme, initech = companies.get(C1)["fields"], companies.get(C3)["fields"]
    assert acme["Contacts"] == [P1] and acme["Contact Count"] == 1
    assert acme["Primary Contact Name"] == ["Ann Lee"]
    assert acme["Total Contact Enrichment Cost"] == 0.5  # SUM(values) over the remaining link
    assert initech["Contacts"] == [P3, P2] and initech["Contact Count"] == 2
    assert initech["Total Contact Enrichment Cost"] == 2.0
    assert contacts.get(P2)["fields"]["Company Tier"] == ["Tier 3 - Silver"]


def test_renaming_a_primary_value_updates_lookups_elsewhere(api: Api) -> None:
    api.table(BASE_ID, "Contacts").update(P1, {"Full Name": "Ann Lee-Smith"})
    acme = api.table(BASE_ID, "Companies").get(C1)["fields"]
    assert acme["Primary Contact Name"] == ["Ann Lee-Smith", "Ben Ode"]


def test_lookup_of_a_link_follows_the_chain(api: Api) -> None:
    api.table(BASE_ID, "Contacts").update(P1, {"Company": [C2]})
    activity = api.table(BASE_ID, "Activity").get(A1)["fields"]
    assert activity["Contact Company"] == [C2]


def test_batch_create_update_and_put_replace(api: Api) -> None:
    owners = api.table(BASE_ID, "Owners")
    made = owners.batch_create([{"Name": f"N{i}", "Active": True} for i in range(12)])
    assert len(made) == 12  # pyairtable splits into calls of 10 and 2
    changed = owners.batch_update([{"id": r["id"], "fields": {"Active": False}} for r in made[:3]])
    assert all("Active" not in r["fields"] for r in changed)
    replaced = owners.update(made[4]["id"], {"Email": "n4@x.test"}, replace=True)
    assert replaced["fields"] == {"Email": "n4@x.test"}  # PUT cleared Name and Active


def test_batch_upsert_creates_and_updates(api: Api) -> None:
    companies = api.table(BASE_ID, "Companies")
    result = companies.batch_upsert(
        [
            {"fields": {"Company Name": "Acme", "Domain": "acme.example"}},
            {"fields": {"Company Name": "Hooli", "Domain": "hooli.test"}},
        ],
        key_fields=["Company Name"],
    )
    assert result["updatedRecords"] == [C1]
    assert len(result["createdRecords"]) == 1
    assert companies.get(C1)["fields"]["Domain"] == "acme.example"
    assert companies.get(C1)["fields"]["Contacts"] == [P1, P2]  # PATCH merge kept the rest


def test_delete_and_batch_delete_clean_up_links(api: Api, emulator: Emulator) -> None:
    contacts = api.table(BASE_ID, "Contacts")
    assert contacts.delete(P2) == {"id": P2, "deleted": True}
    acme = api.table(BASE_ID, "Companies").get(C1)["fields"]
    assert acme["Contacts"] == [P1] and acme["Contact Count"] == 1
    deleted = api.table(BASE_ID, "Owners").batch_delete([O1])
    assert deleted == [{"id": O1, "deleted": True}]
    # Activity.Owner is a one-way link to Owners (no inverse): the dangling link goes too.
    assert emulator.store.get_record("Companies", C1) is not None
    assert "Account Owner Link" not in api.table(BASE_ID, "Companies").get(C1)["fields"]
    assert "Owner" not in contacts.get(P1)["fields"]
    assert api.table(BASE_ID, "Messages").get(M1)["fields"].get("Owner") is None


def test_store_edits_are_visible_over_http(api: Api, emulator: Emulator) -> None:
    made = emulator.store.create_record("Companies", {"Company Name": "Side Door"})
    assert api.table(BASE_ID, "Companies").get(made["id"])["fields"]["Company Name"] == "Side Door"
    emulator.store.update_record("Companies", made["id"], {"Tier": "Tier 2 - Gold"})
    assert api.table(BASE_ID, "Companies").get(made["id"])["fields"]["Tier"] == "Tier 2 - Gold"
    emulator.store.delete_record("Companies", made["id"])
    assert made["id"] not in {r["id"] for r in api.table(BASE_ID, "Companies").all()}


def _raw(emulator: Emulator, method: str, path: str, **kw: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {emulator.token}"}
    return requests.request(
        method, f"{emulator.url}/v0/{BASE_ID}/{path}", headers=headers, timeout=5, **kw
    )  # type: ignore[arg-type]


def test_more_than_ten_records_is_422(emulator: Emulator) -> None:
    response = _raw(
        emulator,
        "POST",
        "Owners",
        json={"records": [{"fields": {"Name": str(i)}} for i in range(11)]},
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "type": "INVALID_RECORDS",
            "message": "A maximum of 10 records can be created per request "
            "but you have provided 11.",
        }
    }
    ids = [f"rec{i:014d}" for i in range(11)]
    response = _raw(emulator, "DELETE", "Owners", params={"records[]": ids})
    assert response.status_code == 422 and response.json()["error"]["type"] == "INVALID_RECORDS"


def test_write_errors_have_airtable_bodies(emulator: Emulator) -> None:
    computed = _raw(emulator, "PATCH", f"Companies/{C1}", json={"fields": {"Contact Count": 3}})
    assert computed.status_code == 422
    assert computed.json() == {
        "error": {
            "type": "INVALID_VALUE_FOR_COLUMN",
            "message": 'Field "Contact Count" cannot accept a value because the field is computed',
        }
    }
    unknown = _raw(emulator, "POST", "Companies", json={"fields": {"Nope": 1}})
    assert unknown.json() == {
        "error": {"type": "UNKNOWN_FIELD_NAME", "message": 'Unknown field name: "Nope"'}
    }
    choice = _raw(emulator, "POST", "Companies", json={"fields": {"Tier": "Tier 0"}})
    assert choice.status_code == 422
    assert choice.json()["error"] == {
        "type": "INVALID_MULTIPLE_CHOICE_OPTIONS",
        "message": 'Insufficient permissions to create new select option "Tier 0"',
    }
    missing = _raw(
        emulator,
        "PATCH",
        "Companies",
        json={"records": [{"id": "recDoesNotExist00", "fields": {}}]},
    )
    assert missing.json()["error"]["type"] == "ROW_DOES_NOT_EXIST"
    gone = _raw(emulator, "DELETE", "Companies", params={"records[]": ["recDoesNotExist00"]})
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == 'Could not find a record with ID "recDoesNotExist00".'


def test_typecast_adds_a_select_choice_to_the_schema(api: Api) -> None:
    companies = api.table(BASE_ID, "Companies")
    companies.create({"Company Name": "Umbrella", "Tier": "Tier 0 - Unobtainium"}, typecast=True)
    tier = api.base(BASE_ID).schema(force=True).table("Companies").field("Tier")
    assert "Tier 0 - Unobtainium" in [c.name for c in tier.options.choices]  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [[], "", None, False])
def test_writing_an_empty_value_clears_the_cell(api: Api, value: object) -> None:
    owners = api.table(BASE_ID, "Owners")
    assert "Active" in owners.get(O1)["fields"]
    field = "Active" if value in (None, False) else "Companies"
    result = owners.update(O1, {field: value})
    assert field not in result["fields"]


def test_derived_cells_recomputed_from_links_match_the_snapshot(
    emulator: Emulator, snapshot: Snapshot
) -> None:
    emulator.store.recompute_all()
    clock_bound = "fldHrGCLljNDHKoAC"  # Days Since Created: DATETIME_DIFF(NOW(), …) moves daily
    for table in snapshot.tables:
        got = emulator.store.list_records(table["id"])
        for rows in (got, want := snapshot.records(table["id"])):
            for row in rows:
                row["fields"].pop(clock_bound, None)
        assert got == want, table["name"]


def test_formula_fields_follow_their_inputs(api: Api) -> None:
    companies = api.table(BASE_ID, "Companies")
    assert companies.update(C2, {"Company Intel": "Sells widgets"})["fields"]["Has L2"] == 1
    assert companies.get(C2)["fields"]["Days Since Created"] > 300  # created 2024-01-02
    api.table(BASE_ID, "Contacts").update(P1, {"Full Name": "Ann L."})
    # Messages' primary field is a formula over the linked contact's name.
    assert api.table(BASE_ID, "Messages").get(M1)["fields"]["Label"] == "Ann L. - Email #1"
