"""filterByFormula through the shared formula engine: names and IDs, links seen as primary
values, LAST_MODIFIED_TIME() after writes, views with a filter, POST fallback, 422 bodies."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import requests
from emulator_snapshot import BASE_ID, C1, C2, C3, P1, P2, P3, TOKEN
from pyairtable import Api
from pyairtable.formulas import EQ, GT, Field, match

from leadgen.airtable.emulator import Emulator


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in rows]


def test_filters_by_name_and_by_field_id(api: Api) -> None:
    companies = api.table(BASE_ID, "Companies")
    assert ids(companies.all(formula="{Tier}='Tier 1 - Platinum'")) == [C1]
    assert ids(companies.all(formula="{flddhRIDnbvfqfYxU}='Tier 1 - Platinum'")) == [C1]
    assert ids(companies.all(formula=match({"Status": "New"}))) == [C1]
    assert ids(companies.all(formula=GT(Field("Contact Count"), 0))) == [C1, C3]
    assert ids(companies.all(formula=EQ(Field("Contact Count"), 0), use_field_ids=True)) == [C2]


def test_links_filter_by_primary_value_not_record_id(api: Api) -> None:
    contacts = api.table(BASE_ID, "Contacts")
    assert ids(contacts.all(formula="{Company}='Acme'")) == [P1, P2]
    assert contacts.all(formula=f"{{Company}}='{C1}'") == []  # a link reads as names, not IDs
    assert ids(contacts.all(formula="FIND('Tier 3', ARRAYJOIN({Company Tier}, ','))")) == [P3]


def test_record_id_filter_and_post_fallback(api: Api, emulator: Emulator) -> None:
    wanted = [C1, C3]
    padding = ",".join(f"RECORD_ID()='rec{i:014d}'" for i in range(600))
    formula = "OR(" + ",".join(f"RECORD_ID()='{r}'" for r in wanted) + "," + padding + ")"
    assert len(formula) > 16_000
    rows = api.table(BASE_ID, "Companies").all(formula=formula, page_size=1)
    assert ids(rows) == wanted
    posts = [e for e in emulator.request_log if e.method == "POST"]
    assert posts and posts[0].path.endswith("/Companies/listRecords")
    assert posts[-1].body["offset"].startswith("itr")  # paging continued in the JSON body


def test_last_modified_time_sees_writes(api: Api, emulator: Emulator) -> None:
    watermark = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    time.sleep(1.1)  # stamps have millisecond precision; stay clear of the watermark second
    emulator.store.update_record("Companies", C3, {"Domain": "initech.example"})
    formula = f"IS_AFTER(LAST_MODIFIED_TIME(), DATETIME_PARSE('{watermark}'))"
    assert ids(api.table(BASE_ID, "Companies").all(formula=formula)) == [C3]
    # The inverse side of a link change counts as modified too (our documented choice).
    emulator.store.update_record("Contacts", P2, {"Company": [C2]})
    assert set(ids(api.table(BASE_ID, "Companies").all(formula=formula))) == {C1, C2, C3}


def test_view_with_a_defined_filter(api: Api, emulator: Emulator) -> None:
    emulator.store.define_view(
        "Companies", "Grid view", formula="{Contact Count} > 0", sort=[("Company Name", "desc")]
    )
    assert ids(api.table(BASE_ID, "Companies").all(view="Grid view")) == [C3, C1]
    both = api.table(BASE_ID, "Companies").all(view="Grid view", formula="{Company Name}='Acme'")
    assert ids(both) == [C1]  # the view's filter and filterByFormula are ANDed


def test_invalid_formulas_are_422(emulator: Emulator) -> None:
    def get(formula: str) -> requests.Response:
        return requests.get(
            f"{emulator.url}/v0/{BASE_ID}/Companies",
            params={"filterByFormula": formula},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=5,
        )

    unknown = get("AND({FirstName}='x', {LastName}='y')")
    assert (unknown.status_code, unknown.json()) == (
        422,
        {
            "error": {
                "type": "INVALID_FILTER_BY_FORMULA",
                "message": "The formula for filtering records is invalid: Unknown field names: "
                "firstname, lastname",
            }
        },
    )
    syntax = get("AND({Tier}='x'")
    assert syntax.status_code == 422
    assert syntax.json()["error"]["message"] == (
        "The formula for filtering records is invalid: Invalid formula. Please check your "
        "formula text."
    )
