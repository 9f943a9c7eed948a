"""Airtable's per-base rate limit: at most 5 requests in any 1-second window, then a penalty
window (30 s by default) during which every request gets 429 (https://airtable.com/developers/web/api/rate-limits).

The limit generalises to any rate: `ceil(rate)` requests per `ceil(rate)/rate` seconds. The
window is shortened by a quarter of one request interval (50 ms at 5/s) so that a client pacing
itself at exactly the rate is not refused because its requests arrive with scheduling jitter;
a real burst (six requests within 0.95 s) is still refused.
Requests refused with 429 do not extend the penalty; whether Airtable extends it is unknown.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """A sliding-window limiter with a penalty; `rate <= 0` switches it off."""

    def __init__(
        self,
        rate: float = 5.0,
        penalty_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: deque[float] = deque()
        self._penalty_until = 0.0
        self.configure(rate, penalty_seconds)

    def configure(self, rate: float, penalty_seconds: float) -> None:
        with self._lock:
            self.rate = rate
            self.penalty_seconds = penalty_seconds
            self._hits.clear()
            self._penalty_until = 0.0

    def reset(self) -> None:
        self.configure(self.rate, self.penalty_seconds)

    @property
    def penalised(self) -> bool:
        with self._lock:
            return self._clock() < self._penalty_until

    def admit(self) -> bool:
        """Record one request; False means answer it with 429."""
        with self._lock:
            if self.rate <= 0:
                return True
            now = self._clock()
            if now < self._penalty_until:
                return False
            capacity = max(1, math.ceil(self.rate))
            window = (capacity - 0.25) / self.rate
            while self._hits and self._hits[0] <= now - window:
                self._hits.popleft()
            if len(self._hits) >= capacity:
                self._penalty_until = now + self.penalty_seconds
                self._hits.clear()
                return False
            self._hits.append(now)
            return True
