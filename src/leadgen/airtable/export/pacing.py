"""Client-side pacing: keep every request to one base just under Airtable's rate limit.

Airtable allows 5 requests/s per base and answers a burst with 429 and a 30 s penalty
(reference/airtable_api.md §2.1). Bouncing off that limit costs 30 s each time, so the exporter
paces itself instead: one `Pacer` per base id, shared by every thread that talks to the base, so
the limit holds however the work is split (tables read concurrently, retries, the schema call).

A pacer enforces two things, both measured on the *actual* send times:

* spacing — consecutive requests are at least `(window + margin) / rate` apart, which keeps
  the traffic smooth (no bursts that the server might see compressed by network jitter);
* a sliding window — at most `capacity` requests in any `window + margin` seconds, mirroring
  the server's own check, so a thread that wakes late cannot squeeze a sixth request into a
  one-second window.

`penalize(seconds)` blocks the whole base after a 429: every waiting or future request waits
until the penalty is over (Airtable says "wait 30 seconds before subsequent requests").
Time is injectable (`clock`, `sleep`) so all of this is unit-tested without waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]

AIRTABLE_RATE_LIMIT = 5.0
"""Requests per second per base (reference/airtable_api.md §2.1)."""

AIRTABLE_PAGE_SIZE = 100
"""Most records one list request returns (reference/airtable_api.md §1.1)."""

AIRTABLE_PENALTY_SECONDS = 30.0
"""How long Airtable refuses a base's requests after a 429 (reference/airtable_api.md §2.1)."""

DEFAULT_MARGIN = 0.02
"""Seconds added to each one-second window: 20 ms of slack for scheduling and network jitter
between our clock and the server's, i.e. 5 req / 1.02 s = 98 % of the limit."""


class Pacer:
    """A thread-safe limiter for one base: spacing + sliding window + penalty."""

    def __init__(
        self,
        rate: float = AIRTABLE_RATE_LIMIT,
        *,
        window: float = 1.0,
        margin: float = DEFAULT_MARGIN,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        # A fractional rate (e.g. 2.5/s) becomes "2 requests per 0.8 s": same average, whole slots.
        self.capacity = max(1, math.floor(rate * window))
        self.window = self.capacity / rate
        self.margin = margin
        self.interval = (self.window + margin) / self.capacity
        self._clock = clock
        self._sleep = sleep
        self._turn = threading.Lock()  # one thread at a time waits for the next slot
        self._state = threading.Lock()  # guards the fields below (penalize() must not wait)
        self._sends: deque[float] = deque(maxlen=self.capacity)
        self._blocked_until = -math.inf
        self.waited = 0.0

    @property
    def effective_rate(self) -> float:
        """Requests per second this pacer allows in steady state."""
        return self.capacity / (self.window + self.margin)

    def _next_slot(self) -> float:
        with self._state:
            slot = self._blocked_until
            if self._sends:
                slot = max(slot, self._sends[-1] + self.interval)
            if len(self._sends) == self.capacity:
                slot = max(slot, self._sends[0] + self.window + self.margin)
            return slot

    def acquire(self) -> float:
        """Block until this request may be sent; returns the seconds waited."""
        waited = 0.0
        with self._turn:
            while True:
                now = self._clock()
                slot = self._next_slot()
                if slot <= now:
                    break
                # Re-check after sleeping: a 429 seen by another thread meanwhile moves the slot.
                self._sleep(slot - now)
                waited += slot - now
            with self._state:
                self._sends.append(now)
                self.waited += waited
        return waited

    def penalize(self, seconds: float) -> None:
        """Hold every request to this base for `seconds` from now (after a 429)."""
        with self._state:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    @property
    def blocked_until(self) -> float:
        with self._state:
            return self._blocked_until


class PacerRegistry:
    """One `Pacer` per base id, created on first use; shared by all sessions given it."""

    def __init__(
        self,
        rate: float = AIRTABLE_RATE_LIMIT,
        *,
        margin: float = DEFAULT_MARGIN,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.rate = rate
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pacers: dict[str, Pacer] = {}

    def for_base(self, base_id: str) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(base_id)
            if pacer is None:
                pacer = Pacer(self.rate, margin=self.margin, clock=self._clock, sleep=self._sleep)
                self._pacers[base_id] = pacer
            return pacer


def base_id_from_path(path: str) -> str:
    """The base a request counts against: `/v0/{base}/…` or `/v0/meta/bases/{base}/…`.

    Requests that belong to no base (`/v0/meta/bases`, `/v0/meta/whoami`) share the key "".
    A path prefix before `/v0/` (a proxy, the emulator mounted under a path) is ignored.
    """
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if "v0" in parts:
        parts = parts[parts.index("v0") + 1 :]
    if parts[:2] == ["meta", "bases"]:
        return parts[2] if len(parts) > 2 else ""
    if parts and parts[0] != "meta":
        return parts[0]
    return ""
