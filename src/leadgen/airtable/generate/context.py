"""The generator's shared state: seeded randomness, the schema index, IDs and the clock.

Every table builder draws from its own `random.Random` seeded by (seed, table name), so
changing one table's recipe does not reshuffle every other table.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from leadgen.airtable.generate.clock import Clock
from leadgen.airtable.generate.ids import IdFactory
from leadgen.airtable.generate.schema_index import SchemaIndex

T = TypeVar("T")
Row = dict[str, Any]  # {"id", "createdTime" (epoch int until written), "fields": {name: value}}


def number_value(value: float, precision: int) -> int | float:
    """A number as Airtable's JSON would carry it: rounded to the field's precision, and
    integral values as integers (JavaScript prints 2.0 as 2)."""
    rounded = round(value, precision)
    if precision == 0 or rounded == int(rounded):
        return int(rounded)
    return rounded


@functools.lru_cache(maxsize=256)
def _strides(n: int) -> tuple[int, ...]:
    return tuple(s for s in range(1, max(n, 2)) if math.gcd(s, n) == 1) or (1,)


class Dice:
    """A seeded random stream with the few draws the builders need."""

    def __init__(self, seed: int, stream: str) -> None:
        self.rng = random.Random(f"{stream}:{seed}")
        # id(weights) → (weights, cumulative weights); holding `weights` keeps the id valid.
        # random.choices() re-accumulates on every call, which dominated the profile.
        self._cum: dict[int, tuple[Sequence[float], list[float]]] = {}

    def _index(self, weights: Sequence[float]) -> int:
        cached = self._cum.get(id(weights))
        if cached is None or cached[0] is not weights:
            cached = (weights, list(itertools.accumulate(weights)))
            self._cum[id(weights)] = cached
        cum = cached[1]
        return bisect.bisect(cum, self.rng.random() * cum[-1], 0, len(cum) - 1)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def upto(self, lo: int, hi: int) -> int:
        """An int in lo..hi (randint without its argument checking, ~4x cheaper)."""
        return lo + int(self.rng.random() * (hi - lo + 1))

    def distinct(self, seq: Sequence[T], k: int) -> list[T]:
        """k distinct items: a random start and a stride coprime with len(seq).

        Less uniform than random.sample, but 5x cheaper, and sentence pools only need variety.
        """
        n = len(seq)
        k = min(k, n)
        start = int(self.rng.random() * n)
        strides = _strides(n)
        stride = strides[int(self.rng.random() * len(strides))]
        return [seq[(start + i * stride) % n] for i in range(k)]

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.random() * len(seq))]

    def weighted(self, seq: Sequence[T], weights: Sequence[float]) -> T:
        """One item of `seq`; pass the same `weights` object each time (it is cached)."""
        return seq[self._index(weights)]

    def some(self, seq: Sequence[T], lo: int, hi: int) -> list[T]:
        return self.distinct(seq, self.upto(lo, hi))

    def between(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.rng.random()

    def count(self, weights: Sequence[float]) -> int:
        """A small count drawn from a weight per value (index = count)."""
        return self._index(weights)


class Context:
    """What every builder receives."""

    def __init__(self, seed: int, schema: SchemaIndex) -> None:
        self.seed = seed
        self.schema = schema
        self.ids = IdFactory(seed)
        self.clock = Clock(seed)
        self._choices: dict[tuple[str, str], list[str]] = {}
        self._weights: dict[tuple[str, str, int], list[float]] = {}

    def dice(self, stream: str) -> Dice:
        return Dice(self.seed, stream)

    def choices(self, table: str, field: str) -> list[str]:
        key = (table, field)
        if key not in self._choices:
            self._choices[key] = self.schema.table(table).choices(field)
        return self._choices[key]

    def select(
        self, dice: Dice, table: str, field: str, weights: Mapping[str, float] | None = None
    ) -> str:
        """One of the field's schema choices; `weights` (by choice name) skews the draw."""
        names = self.choices(table, field)
        if weights is None:
            return dice.pick(names)
        key = (table, field, id(weights))
        if key not in self._weights:  # weights dicts are module constants; build the list once
            self._weights[key] = [weights.get(n, 0.2) for n in names]
        return dice.weighted(names, self._weights[key])

    def multi(self, dice: Dice, table: str, field: str, lo: int = 1, hi: int = 3) -> list[str]:
        names = self.choices(table, field)
        picked = set(dice.some(names, lo, hi))
        return [n for n in names if n in picked]  # Airtable keeps choice order

    def later(self, dice: Dice, ts: int, lo_days: float, hi_days: float) -> int:
        """A seeded moment `lo..hi` days after `ts`, never after the export."""
        return self.clock.after(ts, lo_days, hi_days, dice.rng.random())

    def new_row(self, created: int) -> Row:
        return {"id": self.ids.new("rec"), "createdTime": self.clock.clamp(created), "fields": {}}
