"""Airtable-style IDs (`rec…`, `att…`): a 3-letter prefix plus 14 base62 characters.

IDs come from a seeded generator, never from uuid4, so a seed reproduces a base byte for byte;
they are unique across the whole base because Airtable's get-record falls back base-wide.
"""

from __future__ import annotations

import random

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# byte → base62 symbol; the slight bias (256 = 4·62 + 8) does not matter for synthetic IDs,
# and translating random bytes is ~10x faster than drawing symbols one by one.
_BYTE_TO_BASE62 = bytes(ord(BASE62[b % 62]) for b in range(256))


class IdFactory:
    """Hands out unique 17-character IDs from its own seeded stream."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"ids:{seed}")
        self._seen: set[str] = set()

    def new(self, prefix: str) -> str:
        while True:
            candidate = prefix + self.token(14)
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate

    def token(self, length: int) -> str:
        """An opaque base62 token (attachment URL segments); not tracked for uniqueness."""
        return self._rng.randbytes(length).translate(_BYTE_TO_BASE62).decode("ascii")
