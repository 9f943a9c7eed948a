"""5 requests per second per base, then 429 RATE_LIMIT_REACHED for the whole penalty window
(https://airtable.com/developers/web/api/rate-limits). Tests use a 2-second penalty instead of
the real 30."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from emulator_snapshot import BASE_ID, TOKEN
from pyairtable import Api

from leadgen.airtable.emulator import Emulator, run_emulator

PENALTY = 2.0
RATE_LIMITED = {
    "error": {
        "type": "RATE_LIMIT_REACHED",
        "message": "Rate limit exceeded. Please try again later",
    }
}


@pytest.fixture
def limited(snapshot_dir: Path) -> Iterator[Emulator]:
    with run_emulator(snapshot_dir, token=TOKEN, rate_limit=5.0, penalty_seconds=PENALTY) as emu:
        yield emu


def _get(session: requests.Session, emulator: Emulator) -> requests.Response:
    return session.get(
        f"{emulator.url}/v0/{BASE_ID}/Owners",
        timeout=5,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def test_burst_gets_429_after_the_fifth_and_for_the_penalty_window(limited: Emulator) -> None:
    with requests.Session() as session:
        start = time.monotonic()
        statuses = [_get(session, limited).status_code for _ in range(8)]
        assert time.monotonic() - start < 1.0, "the burst must fit in one second"
        assert statuses == [200] * 5 + [429] * 3
        refused = _get(session, limited)
        assert refused.json() == RATE_LIMITED
        assert "Retry-After" not in refused.headers  # Airtable sends none on 429
        # Still refused well inside the window, even at a gentle pace.
        while time.monotonic() - start < PENALTY - 0.5:
            assert _get(session, limited).status_code == 429
            time.sleep(0.3)
        time.sleep(max(0.0, start + PENALTY + 0.3 - time.monotonic()))
        assert _get(session, limited).status_code == 200


def test_paced_client_is_never_limited(limited: Emulator) -> None:
    with requests.Session() as session:
        statuses = []
        next_at = time.monotonic()
        for _ in range(16):  # a bit over three seconds at 5 requests per second
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += 0.2
            statuses.append(_get(session, limited).status_code)
    assert statuses == [200] * 16
    assert all(entry.status == 200 for entry in limited.request_log)


def test_pyairtable_retries_through_a_short_penalty(limited: Emulator) -> None:
    # pyairtable retries 429s for about 3 s: longer than this 2 s penalty, far shorter
    # than Airtable's 30 s one. The request log shows the refused tries.
    table = Api(TOKEN, endpoint_url=limited.url).table(BASE_ID, "Owners")
    for _ in range(5):
        table.all()
    assert len(table.all()) == 2
    statuses = [e.status for e in limited.request_log[5:]]
    assert statuses[0] == 429 and statuses[-1] == 200 and statuses.count(429) >= 2


def test_meta_calls_count_and_limit_can_be_switched_off(limited: Emulator) -> None:
    with requests.Session() as session:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        url = f"{limited.url}/v0/meta/bases/{BASE_ID}/tables"
        assert [session.get(url, headers=headers, timeout=5).status_code for _ in range(6)][
            -1
        ] == 429
        limited.set_rate_limit(0)
        assert all(_get(session, limited).status_code == 200 for _ in range(20))
