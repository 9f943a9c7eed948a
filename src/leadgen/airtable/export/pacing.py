"""Client-side pacing: keep every request to one base just under Airtable's rate limit.

Airtable allows 5 requests/s per base and answers a burst with 429 and a 30 s penalty
(https://airtable.com/developers/web/api/rate-limits). Bouncing off that limit costs 30 s each
time, so the exporter paces itself instead: one `Pacer` per base id, shared by every thread that
talks to the base, so the limit holds however the work is split (tables read concurrently,
retries, the schema call).

A pacer enforces, for each base:

* spacing — consecutive requests are at least `(window + margin) / rate` apart, which keeps
  the traffic smooth (no bursts that the server might see compressed by jitter);
* a sliding window — at most `capacity` requests in any `window + margin` seconds, mirroring
  the server's own check (the emulator's, and what Airtable describes), measured on *actual* send
  times so a thread that wakes late cannot squeeze a sixth request into a window;
* a jitter allowance — the server counts a request when it arrives, which may be later than we
  sent it (a busy server, a congested link). We cannot see that moment, but a request whose
  answer took longer than the fastest recent answer may have been counted up to that much
  later, so the window anchored on it is extended by that excess. A window anchored on a
  request still in flight keeps growing until its answer is in (up to 0.2 s). This keeps a loaded
  machine at zero 429s (bench/bench_export.py saw arrivals compressed by up to ~40 ms under
  load, enough to trip a fixed 20 ms margin).

`penalize(seconds)` blocks the whole base after a 429: every waiting or future request waits
until the penalty is over (Airtable says "wait 30 seconds before subsequent requests"), and
doubles the margin, since whatever caused the 429 may be jitter we did not see.
Time is injectable (`clock`, `sleep`) so all of this is unit-tested without waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], None]

AIRTABLE_RATE_LIMIT = 5.0
"""Requests per second per base (https://airtable.com/developers/web/api/rate-limits)."""

AIRTABLE_PAGE_SIZE = 100
"""Most records one list request returns (https://airtable.com/developers/web/api/list-records)."""

AIRTABLE_PENALTY_SECONDS = 30.0
"""How long Airtable refuses a base's requests after a 429 (https://airtable.com/developers/web/api/rate-limits)."""

DEFAULT_MARGIN = 0.01
"""Seconds added to each one-second window on top of the jitter allowance: 5 req / 1.01 s is
99 % of the limit before the allowance (which is ~0 when answers come back at a steady pace)."""

MAX_MARGIN = 0.25
LATENCY_SAMPLES = 64  # recent answers whose fastest sets the "normal" latency
POLL_SECONDS = 0.05  # re-check interval while the window depends on a request in flight
MAX_JITTER_ALLOWANCE = 0.2
"""Cap on the allowance: an answer slower than that was slow in the server's work or on the way
back (the emulator's `slow` fault sleeps after counting), and one hung request must not stall
the base for the whole read timeout."""

JITTER_SHARE = 1.0
"""Share of a slow answer's extra latency assumed to have happened *before* the server counted
the request. 1.0 is the safe bound (the server counted it at the latest when it answered).
Measured on the loaded 2-CPU bench box: a 20 ms margin alone met one 429 in three runs; a share
of 0.5 met one (6 requests 0.974 s apart); the whole share held (closest 1.006 s) at a cost of
~2-4 % of the limit under load, ~0 when answers come back at a steady pace."""


@dataclass
class Send:
    """One request's place in the window: when it left and when its answer was complete."""

    sent: float
    done: float | None = None


class Pacer:
    """A thread-safe limiter for one base: spacing + sliding window + jitter + penalty."""

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
        self._clock = clock
        self._sleep = sleep
        self._turn = threading.Lock()  # one thread at a time waits for the next slot
        self._state = threading.Lock()  # guards the fields below (release/penalize never wait)
        self._sends: deque[Send] = deque(maxlen=self.capacity)
        self._latencies: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        self._blocked_until = -math.inf
        self.waited = 0.0
        # Seconds a slot was free and no request was ready: budget lost to our own slowness.
        self.idle = 0.0

    @property
    def interval(self) -> float:
        return (self.window + self.margin) / self.capacity

    @property
    def effective_rate(self) -> float:
        """Requests per second this pacer allows in steady state with steady latency."""
        return self.capacity / (self.window + self.margin)

    def _excess(self, send: Send, now: float) -> float:
        """How much later than a normal request the server may have counted `send`."""
        latency = (send.done if send.done is not None else now) - send.sent
        floor = min(self._latencies) if self._latencies else 0.0
        return min(MAX_JITTER_ALLOWANCE, JITTER_SHARE * max(0.0, latency - floor))

    def _next_slot(self, now: float) -> tuple[float, bool]:
        """The earliest send time allowed now, and whether it depends on a request in flight."""
        with self._state:
            slot = self._blocked_until
            if self._sends:
                slot = max(slot, self._sends[-1].sent + self.interval)
            in_flight = False
            if len(self._sends) == self.capacity:
                oldest = self._sends[0]
                in_flight = oldest.done is None
                anchor = oldest.sent + self.window + self.margin + self._excess(oldest, now)
                slot = max(slot, anchor)
            return slot, in_flight

    def acquire(self) -> Send:
        """Block until a request may be sent; pass the result to `release` when it is answered."""
        waited = 0.0
        with self._turn:
            while True:
                now = self._clock()
                slot, in_flight = self._next_slot(now)
                if slot <= now:
                    if self._sends and not waited:
                        self.idle += now - slot
                    break
                # Re-check after sleeping: a 429 seen by another thread meanwhile moves the slot,
                # and so does the answer (or not) of a request still in flight.
                pause = min(slot - now, POLL_SECONDS) if in_flight else slot - now
                self._sleep(pause)
                waited += pause
            send = Send(sent=now)
            with self._state:
                self._sends.append(send)
                self.waited += waited
        return send

    def release(self, send: Send) -> None:
        """The answer to `send` is complete (or the attempt failed)."""
        with self._state:
            send.done = self._clock()
            self._latencies.append(send.done - send.sent)

    def penalize(self, seconds: float) -> None:
        """Hold every request to this base for `seconds` from now (after a 429)."""
        with self._state:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)
            self.margin = min(MAX_MARGIN, max(2 * self.margin, 2 * DEFAULT_MARGIN))

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
