"""Principals remembered for a few seconds, so a request needs no separate lookup round trip.

A hit is never trusted alone: `deps.tenant_conn` sends `auth.recheck_statement` with the
request's BEGIN (same round trip), and `deps.current_principal` looks the credential up again
for a request that has no tenant transaction. What the cache saves is the admin pool's
acquire, query and release — a quarter of a review-queue request's round trips.
"""

from __future__ import annotations

import time

from leadgen.api.auth import Principal

TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000


class PrincipalCache:
    """sha256(credential) → principal, with a time to live and a size bound (oldest out)."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[float, Principal]] = {}

    def get(self, digest: bytes) -> Principal | None:
        found = self._entries.get(digest)
        if found is None:
            return None
        if time.monotonic() - found[0] > self.ttl:
            del self._entries[digest]
            return None
        return found[1]

    def put(self, digest: bytes, principal: Principal) -> None:
        self._entries.pop(digest, None)
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[digest] = (time.monotonic(), principal)

    def drop(self, digest: bytes) -> None:
        self._entries.pop(digest, None)
