"""Server-side list iterators: the ordered record IDs a scan matched, behind an `offset` token.

Offsets look like Airtable's, `itr<14>/rec<14>`
(https://airtable.com/developers/web/api/list-records): the iterator ID plus the first record
of the next page. An iterator expires after `ttl` seconds without use (the real
TTL is undocumented) or when a test expires it; a malformed token is INVALID_OFFSET_VALUE,
an unknown or expired one LIST_RECORDS_ITERATOR_NOT_AVAILABLE.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from leadgen.airtable.emulator import api_errors
from leadgen.airtable.emulator.ids import IdFactory

_OFFSET = re.compile(r"^(itr[A-Za-z0-9]{14})/(rec[A-Za-z0-9]{14})$")


@dataclass
class ListIterator:
    id: str
    table_id: str
    record_ids: list[str]
    last_used: float
    served: set[str] = field(default_factory=set)

    def offset_at(self, position: int) -> str | None:
        if position >= len(self.record_ids):
            return None
        return f"{self.id}/{self.record_ids[position]}"


class IteratorRegistry:
    def __init__(self, ids: IdFactory, clock: Callable[[], float] = time.monotonic) -> None:
        self._ids = ids
        self._clock = clock
        self._lock = threading.Lock()
        self._live: dict[str, ListIterator] = {}

    def start(self, table_id: str, record_ids: list[str]) -> ListIterator:
        it = ListIterator(self._ids.new("itr"), table_id, record_ids, self._clock())
        with self._lock:
            self._live[it.id] = it
        return it

    def resume(self, offset: str, table_id: str, ttl: float) -> tuple[ListIterator, int]:
        """The iterator behind `offset` and the position it points at."""
        match = _OFFSET.match(offset)
        if match is None:
            raise api_errors.invalid_offset(offset)
        with self._lock:
            it = self._live.get(match.group(1))
            now = self._clock()
            if it is None or it.table_id != table_id or now - it.last_used > ttl:
                self._live.pop(match.group(1), None)
                raise api_errors.iterator_not_available()
            try:
                position = it.record_ids.index(match.group(2))
            except ValueError as exc:
                raise api_errors.iterator_not_available() from exc
            it.last_used = now
            return it, position

    def expire(self, iterator_id: str | None = None) -> int:
        """Forget one iterator (by ID or offset) or all of them; returns how many went."""
        with self._lock:
            if iterator_id is None:
                count = len(self._live)
                self._live.clear()
                return count
            return 1 if self._live.pop(iterator_id.split("/")[0], None) else 0

    def finish(self, iterator_id: str) -> None:
        with self._lock:
            self._live.pop(iterator_id, None)
