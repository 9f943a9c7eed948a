"""Error bodies match Airtable's exactly (https://airtable.com/developers/web/api/errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from emulator_snapshot import BASE_ID, TOKEN
from pyairtable import Api

from leadgen.airtable.emulator import Compatibility, Emulator, run_emulator

MODEL_NOT_FOUND = {
    "error": {
        "type": "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
        "message": "Invalid permissions, or the requested model was not found. Check that both "
        "your user and your token have the required permissions, and that the model names "
        "and/or ids are correct.",
    }
}


def get(
    emulator: Emulator, path: str, token: str | None = TOKEN, **params: Any
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{emulator.url}{path}", params=params, headers=headers, timeout=5)


def test_missing_or_wrong_token_is_401(emulator: Emulator) -> None:
    body = {"error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}}
    for token in (None, "patWRONG"):
        response = get(emulator, f"/v0/{BASE_ID}/Companies", token=token)
        assert (response.status_code, response.json()) == (401, body)


def test_pyairtable_sees_401_as_http_error(emulator: Emulator) -> None:
    api = Api("patWRONG", endpoint_url=emulator.url)
    with pytest.raises(requests.HTTPError) as err:
        api.table(BASE_ID, "Companies").all()
    assert err.value.response.status_code == 401


def test_unknown_base_and_route(emulator: Emulator) -> None:
    assert (r := get(emulator, "/v0/appNoSuchBase0000/Companies")).status_code == 404
    assert r.json() == {"error": "NOT_FOUND"}
    assert (r := get(emulator, "/v1/whatever")).status_code == 404
    assert r.json() == {"error": "NOT_FOUND"}
    meta = get(emulator, "/v0/meta/bases/appNoSuchBase0000/tables")
    assert (meta.status_code, meta.json()) == (403, MODEL_NOT_FOUND)


def test_unknown_table_and_record_are_403(emulator: Emulator) -> None:
    table = get(emulator, f"/v0/{BASE_ID}/No%20Such%20Table")
    assert (table.status_code, table.json()) == (403, MODEL_NOT_FOUND)
    record = get(emulator, f"/v0/{BASE_ID}/Companies/recNoSuchRecord00")
    assert (record.status_code, record.json()) == (403, MODEL_NOT_FOUND)


def test_legacy_not_found_mode(snapshot_dir: Path) -> None:
    compat = Compatibility(unknown_table="404", missing_record="404")
    with run_emulator(snapshot_dir, token=TOKEN, rate_limit=0, compat=compat) as emu:
        table = get(emu, f"/v0/{BASE_ID}/Nope")
        assert table.status_code == 404
        assert table.json() == {
            "error": {
                "type": "TABLE_NOT_FOUND",
                "message": f"Could not find table Nope in application {BASE_ID}",
            }
        }
        record = get(emu, f"/v0/{BASE_ID}/Companies/recNoSuchRecord00")
        assert record.json() == {
            "error": {"type": "MODEL_ID_NOT_FOUND", "message": "Record not found"}
        }


@pytest.mark.parametrize(
    ("params", "body"),
    [
        (
            {"pageSize": 101},
            {
                "type": "INVALID_PAGE_SIZE_ARGUMENT",
                "message": "Page size argument should be between 0 and 100",
            },
        ),
        (
            {"fields[]": "Nope"},
            {"type": "UNKNOWN_FIELD_NAME", "message": 'Unknown field name: "Nope"'},
        ),
        (
            {"sort[0][field]": "Nope"},
            {"type": "UNKNOWN_FIELD_NAME", "message": 'Unknown field name: "Nope"'},
        ),
        ({"view": "Kanban"}, {"type": "VIEW_NAME_NOT_FOUND", "message": "View Kanban not found"}),
        (
            {"offset": "itrNotAnOffset"},
            {
                "type": "INVALID_OFFSET_VALUE",
                "message": "The value of offset itrNotAnOffset is invalid",
            },
        ),
        (
            {"offset": "itrAAAAAAAAAAAAAA/recAAAAAAAAAAAAAA"},
            {"type": "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"},
        ),
    ],
)
def test_list_parameter_errors_are_422(
    emulator: Emulator, params: dict[str, Any], body: dict[str, Any]
) -> None:
    response = get(emulator, f"/v0/{BASE_ID}/Companies", **params)
    assert (response.status_code, response.json()) == (422, {"error": body})


def test_post_list_records_validates_like_get(emulator: Emulator) -> None:
    response = requests.post(
        f"{emulator.url}/v0/{BASE_ID}/Companies/listRecords",
        json={"fields": ["Nope"]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "UNKNOWN_FIELD_NAME"


def test_over_long_url_is_refused(emulator: Emulator) -> None:
    response = get(emulator, f"/v0/{BASE_ID}/Companies", filterByFormula="x" * 16_100)
    assert response.status_code == 414
