"""Seeded timestamps in Airtable's formats (never the wall clock, so output is reproducible).

`createdTime`/dateTime cells are `YYYY-MM-DDTHH:MM:SS.000Z`, date cells `YYYY-MM-DD`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import lru_cache

DAY = 86_400
# The customer's base started in 2024; the seed shifts the whole timeline by up to ~2 months.
EPOCH_2024_03_01 = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
TIMELINE_DAYS = 540


class Clock:
    """The base's timeline: `start` … `now` (the moment the snapshot was "exported")."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"clock:{seed}")
        self.start = EPOCH_2024_03_01 + rng.randrange(0, 60 * DAY)
        self.now = self.start + TIMELINE_DAYS * DAY + rng.randrange(0, DAY)

    def at(self, fraction: float) -> int:
        """A moment `fraction` (0..1) of the way through the timeline."""
        return self.start + int(fraction * TIMELINE_DAYS * DAY)

    def clamp(self, ts: int) -> int:
        return min(ts, self.now - 60)

    def after(self, ts: int, lo_days: float, hi_days: float, u: float) -> int:
        """A moment `lo..hi` days after `ts`, squeezed into what is left before `now`.

        Squeezing (not clamping) keeps late children spread out and still after their parent,
        instead of piling hundreds of records onto the export minute.
        """
        limit = self.now - 60
        start = min(ts + int(lo_days * DAY), limit)
        end = min(ts + int(hi_days * DAY), limit)
        return start + int(u * (end - start))


@lru_cache(maxsize=4096)
def _day(day_number: int) -> str:
    return datetime.fromtimestamp(day_number * DAY, UTC).strftime("%Y-%m-%d")


def iso_ms(ts: int) -> str:
    # Formatting by hand with a cached date part: strftime per cell was a profile hotspot.
    day, rest = divmod(ts, DAY)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{_day(day)}T{hours:02d}:{minutes:02d}:{seconds:02d}.000Z"


def iso_date(ts: int) -> str:
    return _day(ts // DAY)


def parse_iso(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp())
