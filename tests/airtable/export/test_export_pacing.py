"""The pacer keeps any split of the work under the base's limit, and a 429 blocks the base."""

from __future__ import annotations

import threading
import time

import pytest

from leadgen.airtable.emulator.ratelimit import RateLimiter
from leadgen.airtable.export.pacing import (
    JITTER_SHARE,
    MAX_JITTER_ALLOWANCE,
    Pacer,
    PacerRegistry,
    base_id_from_path,
)


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_spacing_gives_just_under_the_limit() -> None:
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.02, clock=ft.clock, sleep=ft.sleep)
    sends = []
    for _ in range(51):
        pacer.release(pacer.acquire())
        sends.append(ft.now)
    # 50 intervals of (1 + 0.02) / 5 s: 98 % of 5 req/s, never 6 in one second.
    assert sends[-1] - sends[0] == pytest.approx(50 * 0.204)
    assert max_in_window(sends, 1.0) == 5
    assert pacer.effective_rate == pytest.approx(5 / 1.02)


def test_late_sender_cannot_squeeze_a_sixth_request_into_a_window() -> None:
    """The window is checked on actual send times, so a late wake-up delays the next ones."""
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.02, clock=ft.clock, sleep=ft.sleep)
    sends = []
    for i in range(20):
        pacer.release(pacer.acquire())
        sends.append(ft.now)
        if i == 3:
            ft.now += 0.15  # the caller was slow to send: the next slot moves with it
    for i in range(len(sends) - 5):
        assert sends[i + 5] - sends[i] >= 1.02 - 1e-9


def test_penalty_blocks_every_request_to_the_base() -> None:
    ft = FakeTime()
    pacer = Pacer(5.0, clock=ft.clock, sleep=ft.sleep)
    pacer.release(pacer.acquire())
    pacer.penalize(30.0)
    start = ft.now
    pacer.release(pacer.acquire())
    assert ft.now - start == pytest.approx(30.0)
    assert pacer.waited == pytest.approx(30.0)


def test_penalty_arriving_while_a_thread_sleeps_is_honoured() -> None:
    """A thread already waiting for its slot re-checks after waking (another thread saw 429)."""
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.01, clock=ft.clock, sleep=ft.sleep)
    pacer.release(pacer.acquire())
    original_sleep = ft.sleep

    def sleep_and_get_penalised(seconds: float) -> None:
        original_sleep(seconds)
        if len(ft.sleeps) == 1:
            pacer.penalize(10.0)

    pacer._sleep = sleep_and_get_penalised
    start = ft.now
    pacer.release(pacer.acquire())
    assert ft.now - start == pytest.approx(0.202 + 10.0)


def test_each_429_widens_the_margin_up_to_a_cap() -> None:
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.01, clock=ft.clock, sleep=ft.sleep)
    margins = []
    for _ in range(8):
        pacer.penalize(1.0)
        margins.append(pacer.margin)
    assert margins[:3] == pytest.approx([0.02, 0.04, 0.08])
    assert margins[-1] == pytest.approx(0.25)


def test_a_slow_answer_widens_the_window_anchored_on_it() -> None:
    """A request answered 50 ms slower than usual may have been counted late."""
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.01, clock=ft.clock, sleep=ft.sleep)
    first = pacer.acquire()
    start = ft.now
    ft.now += 0.05  # 50 ms answer
    pacer.release(first)
    for _ in range(4):
        pacer.release(pacer.acquire())  # answered instantly: the floor is 0
    pacer.release(pacer.acquire())
    assert ft.now - start == pytest.approx(1.01 + JITTER_SHARE * 0.05)


def test_a_request_in_flight_holds_its_window_open_up_to_a_cap() -> None:
    ft = FakeTime()
    pacer = Pacer(5.0, margin=0.01, clock=ft.clock, sleep=ft.sleep)
    hung = pacer.acquire()  # never answered
    start = hung.sent
    for _ in range(4):
        pacer.release(pacer.acquire())
    pacer.release(pacer.acquire())
    assert ft.now - start == pytest.approx(1.01 + MAX_JITTER_ALLOWANCE)


def test_fractional_rate_keeps_the_average() -> None:
    ft = FakeTime()
    pacer = Pacer(2.5, margin=0.0, clock=ft.clock, sleep=ft.sleep)
    sends = []
    for _ in range(26):
        pacer.release(pacer.acquire())
        sends.append(ft.now)
    assert (len(sends) - 1) / (sends[-1] - sends[0]) == pytest.approx(2.5)


def test_pacer_sequence_never_trips_the_emulators_window() -> None:
    """Our schedule, replayed through the emulator's own limiter: no 429 at all."""
    ft = FakeTime()
    pacer = Pacer(5.0, clock=ft.clock, sleep=ft.sleep)
    server = RateLimiter(5.0, 30.0, clock=ft.clock)
    for _ in range(200):
        pacer.release(pacer.acquire())
        assert server.admit()


def test_threads_sharing_a_pacer_stay_under_the_limit() -> None:
    """Real threads and the real clock: 4 workers, 60 requests, any 1 s window ≤ limit."""
    registry = PacerRegistry(20.0, margin=0.02)
    sends: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(15):
            pacer = registry.for_base("appX")
            pacer.release(pacer.acquire())
            with lock:
                sends.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sends) == 60
    assert max_in_window(sends, 1.0) <= 20
    assert registry.for_base("appX") is registry.for_base("appX")
    assert registry.for_base("appY") is not registry.for_base("appX")


@pytest.mark.parametrize(
    ("path", "base"),
    [
        ("/v0/appA/tblB", "appA"),
        ("/v0/appA/tblB/listRecords", "appA"),
        ("/v0/meta/bases/appA/tables", "appA"),
        ("/v0/meta/bases", ""),
        ("/v0/meta/whoami", ""),
        ("/prefix/v0/appA/tblB?offset=x", "appA"),
    ],
)
def test_requests_are_keyed_by_base(path: str, base: str) -> None:
    assert base_id_from_path(path) == base
