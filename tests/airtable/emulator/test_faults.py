"""Every fault type is observable: 5xx, dropped connections, slow answers, expired iterators,
records added and deleted between pages; plus the spec language and the request log."""

from __future__ import annotations

import pytest
import requests
from emulator_snapshot import BASE_ID, TOKEN
from pyairtable import Api

from leadgen.airtable.emulator import Emulator, Faults
from leadgen.errors import ConfigError

HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def test_spec_round_trips_and_rejects_nonsense() -> None:
    spec = "5xx=0.1,drop=0.05,slow=0.1:2.0,expire_iterator=1,churn=2,seed=7"
    faults = Faults.parse(spec)
    assert (faults.error_rate, faults.drop_rate, faults.slow_rate, faults.slow_seconds) == (
        0.1,
        0.05,
        0.1,
        2.0,
    )
    assert (faults.expire_iterator, faults.churn, faults.seed) == (1, 2, 7)
    assert Faults.parse(faults.describe()) == faults
    assert Faults.parse("5xx=1:503").error_codes == (503,)
    each = Faults.parse("5xx=0.05:503,drop=0.02,expire_each_table=1,seed=4")
    assert each.expire_each_table and Faults.parse(each.describe()) == each
    for bad in ("drop=2", "slow=0.5", "bogus=1", "5xx=1:404", "churn", "expire_each_table=2"):
        with pytest.raises(ConfigError):
            Faults.parse(bad)


def test_server_errors(emulator: Emulator) -> None:
    emulator.set_faults("5xx=1:503")
    response = requests.get(f"{emulator.url}/v0/{BASE_ID}/Owners", headers=HEADERS, timeout=5)
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "RETRIABLE_ERROR"
    emulator.set_faults(Faults(error_rate=1.0, error_codes=(500,)))
    with pytest.raises(requests.HTTPError):
        Api(TOKEN, endpoint_url=emulator.url).table(BASE_ID, "Owners").all()
    emulator.clear_faults()
    assert requests.get(f"{emulator.url}/v0/{BASE_ID}/Owners", headers=HEADERS, timeout=5).ok
    assert [e.fault for e in emulator.request_log] == ["5xx", "5xx", None]


def test_dropped_connection(emulator: Emulator) -> None:
    emulator.set_faults("drop=1")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.url}/v0/{BASE_ID}/Owners", headers=HEADERS, timeout=5)
    assert emulator.request_log[-1].status is None and emulator.request_log[-1].fault == "drop"


def test_slow_response_times_out(emulator: Emulator) -> None:
    emulator.set_faults("slow=1:1.0")
    with pytest.raises(requests.Timeout):
        requests.get(f"{emulator.url}/v0/{BASE_ID}/Owners", headers=HEADERS, timeout=0.3)
    emulator.clear_faults()


def test_expired_iterator_after_the_first_page(api: Api, emulator: Emulator) -> None:
    emulator.set_faults("expire_iterator=1")
    owners = api.table(BASE_ID, "Owners")
    with pytest.raises(requests.HTTPError) as err:
        owners.all(page_size=1)
    assert err.value.response.status_code == 422
    assert err.value.response.json() == {"error": {"type": "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"}}
    assert len(owners.all(page_size=1)) == 2  # the budget is spent; a restart succeeds


def test_each_tables_iterator_expires_once_after_its_first_page(
    api: Api, emulator: Emulator
) -> None:
    emulator.set_faults("expire_each_table=1")
    for name in ("Owners", "Companies"):
        table = api.table(BASE_ID, name)
        with pytest.raises(requests.HTTPError) as err:
            table.all(page_size=1)
        assert err.value.response.status_code == 422
        assert err.value.response.json()["error"]["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"
        # The restarted listing of that table, and every later one, pages through undisturbed.
        assert [r["id"] for r in table.all(page_size=1)] == [
            r["id"] for r in emulator.store.list_records(name)
        ]
        assert len(table.all(page_size=1)) == len(emulator.store.list_records(name))
    expired = [r for r in emulator.request_log if r.status == 422]
    assert len(expired) == 2
    # Each 422 answered the request that presented the table's first offset, never a first page.
    assert all("offset" in r.query for r in expired)


def test_each_table_fault_spares_a_listing_of_one_page(api: Api, emulator: Emulator) -> None:
    emulator.set_faults("expire_each_table=1")
    assert len(api.table(BASE_ID, "Owners").all()) == 2  # one page: no offset to expire
    with pytest.raises(requests.HTTPError):  # the table's first paged listing still meets it
        api.table(BASE_ID, "Owners").all(page_size=1)
    # A copy of the faults starts with every table unexpired again.
    emulator.set_faults(emulator.faults.copy())
    with pytest.raises(requests.HTTPError):
        api.table(BASE_ID, "Owners").all(page_size=1)


def test_iterator_ttl_and_expire_hook(emulator: Emulator) -> None:
    url = f"{emulator.url}/v0/{BASE_ID}/Owners"
    first = requests.get(url, params={"pageSize": 1}, headers=HEADERS, timeout=5).json()
    assert emulator.expire_iterators() == 1
    again = requests.get(
        url, params={"pageSize": 1, "offset": first["offset"]}, headers=HEADERS, timeout=5
    )
    assert again.status_code == 422
    emulator.set_faults("iterator_ttl=0")
    first = requests.get(url, params={"pageSize": 1}, headers=HEADERS, timeout=5).json()
    again = requests.get(
        url, params={"pageSize": 1, "offset": first["offset"]}, headers=HEADERS, timeout=5
    )
    assert again.json()["error"]["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"


def test_churn_between_pages(api: Api, emulator: Emulator) -> None:
    for i in range(4):
        emulator.store.create_record("Owners", {"Name": f"Extra {i}"})
    before = {r["id"] for r in emulator.store.list_records("Owners")}
    emulator.set_faults("churn=1")
    scanned = {r["id"] for r in api.table(BASE_ID, "Owners").all(page_size=2)}
    after = {r["id"] for r in emulator.store.list_records("Owners")}
    assert len(scanned) == 5 and scanned < before  # one record vanished mid-scan
    assert len(after - before) == 1 and not (after - before) & scanned  # one appeared unseen
    assert len(before - after) == 1


def test_shuffle_changes_the_unsorted_order(api: Api, emulator: Emulator) -> None:
    for i in range(20):
        emulator.store.create_record("Owners", {"Name": f"O{i:02d}"})
    plain = [r["id"] for r in api.table(BASE_ID, "Owners").all()]
    emulator.set_faults("shuffle=1,seed=3")
    shuffled = [r["id"] for r in api.table(BASE_ID, "Owners").all()]
    assert shuffled != plain and sorted(shuffled) == sorted(plain)


def test_request_log_records_method_path_query_status(api: Api, emulator: Emulator) -> None:
    api.table(BASE_ID, "CRM Events").all(page_size=5)
    entry = emulator.request_log[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", f"/v0/{BASE_ID}/CRM Events", 200)
    assert entry.query["pageSize"] == ["5"] and entry.timestamp > 0
