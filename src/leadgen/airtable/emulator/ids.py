"""Airtable-shaped identifiers: a 3-letter prefix plus 14 characters of [A-Za-z0-9].

pyairtable treats any 17-character `tbl…` string as an ID rather than a name, so every ID the
emulator issues has exactly that shape (a 3-letter prefix and 14 letters or digits).
"""

from __future__ import annotations

import random
import re
import string
import threading

_ALPHABET = string.ascii_letters + string.digits
_BODY = 14


def looks_like_id(prefix: str, value: str) -> bool:
    """True when `value` has the exact shape of an Airtable ID with `prefix`."""
    return re.fullmatch(rf"{prefix}[A-Za-z0-9]{{{_BODY}}}", value) is not None


class IdFactory:
    """Issues fresh IDs; seeded so that a test run can be reproduced."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._issued: set[str] = set()

    def reserve(self, ids: set[str]) -> None:
        """Never hand out these (already used) IDs."""
        with self._lock:
            self._issued |= ids

    def new(self, prefix: str) -> str:
        with self._lock:
            while True:
                candidate = prefix + "".join(self._random.choices(_ALPHABET, k=_BODY))
                if candidate not in self._issued:
                    self._issued.add(candidate)
                    return candidate
