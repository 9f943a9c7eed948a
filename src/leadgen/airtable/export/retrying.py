"""Retries that respect Airtable's penalty, as a `requests` transport adapter under pyairtable.

pyairtable's own retry (urllib3 `Retry(total=5, backoff_factor=0.1)`) gives up after about 3 s
on 429 and never retries 5xx
(https://github.com/gtalarico/pyairtable/blob/main/pyairtable/api/retrying.py), while Airtable
keeps a base blocked for 30 s after a 429 (https://airtable.com/developers/web/api/rate-limits).
So the exporter builds its `Api` with `retry_strategy=None` and mounts `PacedAdapter` instead;
every HTTP attempt pyairtable makes goes through `send()`, which

* waits for the base's `Pacer` before each attempt (retries count against the limit too);
* on 429 blocks the *whole base* for at least the penalty (or `Retry-After`, if longer), then
  tries again — up to `max_rate_limited` times, since another client may be burning the quota;
* on 500/502/503/504, timeouts and dropped connections retries with bounded exponential
  backoff and full jitter (`max_attempts`), honouring `Retry-After` on 503 (https://airtable.com/developers/web/api/errors);
* fails fast when the endpoint has never answered (connection refused at the start means a
  wrong `--endpoint` or no network, not a blip worth a minute of backoff);
* reads the body inside the retry loop, so a connection dropped mid-body is retried too.

Whatever is still failing after that is returned or raised to pyairtable unchanged, and the
exporter turns it into an `AirtableError` with advice.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest, Response

from leadgen.airtable.export.pacing import (
    AIRTABLE_PENALTY_SECONDS,
    PacerRegistry,
    Sleep,
    base_id_from_path,
)

RETRIABLE_STATUS = frozenset({500, 502, 503, 504})
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    requests.ConnectionError,  # refused, reset, dropped (also ConnectTimeout)
    requests.Timeout,  # read timeout
    requests.exceptions.ChunkedEncodingError,  # body cut short
)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying; defaults suit real Airtable."""

    penalty_seconds: float = AIRTABLE_PENALTY_SECONDS
    penalty_slack: float = 0.5  # seconds beyond the penalty, so we never arrive a hair early
    max_rate_limited: int = 10  # 429s in a row for one request before giving up (~5 min)
    max_attempts: int = 8  # attempts per request for 5xx / network errors
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    first_connect_attempts: int = 2  # before the endpoint ever answered

    def backoff(self, failures: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff for the `failures`-th consecutive failure (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (failures - 1))
        return float(ceiling * (0.5 + 0.5 * rng.random()))


@dataclass
class RequestStats:
    """Counters for the summary; updated from many threads."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    network_errors: int = 0
    iterator_restarts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            return {
                "requests": self.requests,
                "retries": self.retries,
                "rate_limited": self.rate_limited,
                "server_errors": self.server_errors,
                "network_errors": self.network_errors,
                "iterator_restarts": self.iterator_restarts,
            }


def retry_after_seconds(response: Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:  # an HTTP date: rare enough that the policy's own wait is fine
        return None


class PacedAdapter(HTTPAdapter):
    """An `HTTPAdapter` that paces each attempt per base and retries what is worth retrying."""

    def __init__(
        self,
        pacers: PacerRegistry,
        *,
        policy: RetryPolicy | None = None,
        stats: RequestStats | None = None,
        sleep: Sleep = time.sleep,
        seed: int | None = None,
        pool_maxsize: int = 16,
    ) -> None:
        # max_retries=0: urllib3 must not retry underneath us (its first retry is immediate).
        super().__init__(max_retries=0, pool_maxsize=pool_maxsize)
        self.pacers = pacers
        self.policy = policy or RetryPolicy()
        self.stats = stats or RequestStats()
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._answered = False

    def _backoff(self, failures: int) -> float:
        with self._rng_lock:
            return self.policy.backoff(failures, self._rng)

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        pacer = self.pacers.for_base(base_id_from_path(urlsplit(request.url or "").path))
        failures = 0
        rate_limited = 0
        while True:
            ticket = pacer.acquire()
            self.stats.add(requests=1)
            try:
                response = super().send(
                    request,
                    stream=False,
                    timeout=timeout,
                    verify=verify,
                    cert=cert,
                    proxies=dict(proxies) if proxies else None,
                )
                _ = response.content  # read the body here, so a drop mid-body is retried
                self._answered = True
            except TRANSIENT_ERRORS:
                pacer.release(ticket)  # before the backoff sleep: that is not latency
                failures += 1
                self.stats.add(network_errors=1)
                limit = (
                    self.policy.max_attempts
                    if self._answered
                    else self.policy.first_connect_attempts
                )
                if failures >= limit:
                    raise
                self.stats.add(retries=1)
                self._sleep(self._backoff(failures))
                continue
            finally:
                if ticket.done is None:  # answered, or failed in a way we do not retry
                    pacer.release(ticket)

            if response.status_code == 429:
                rate_limited += 1
                self.stats.add(rate_limited=1)
                if rate_limited > self.policy.max_rate_limited:
                    return response
                wait = max(self.policy.penalty_seconds, retry_after_seconds(response) or 0.0)
                pacer.penalize(wait + self.policy.penalty_slack)
                self.stats.add(retries=1)
                continue  # the pacer holds us (and every other thread on this base)

            if response.status_code in RETRIABLE_STATUS:
                failures += 1
                self.stats.add(server_errors=1)
                if failures >= self.policy.max_attempts:
                    return response
                self.stats.add(retries=1)
                self._sleep(max(self._backoff(failures), retry_after_seconds(response) or 0.0))
                continue
            return response
