"""Fault injection: a small spec language shared by `--faults` and the Python API.

    SPEC  := ITEM ("," ITEM)*
    ITEM  := 5xx=P[:CODES]   answer with a server error, P = probability 0..1;
                             CODES = "/"-separated statuses (default 500/502/503; 503 carries
                             Airtable's RETRIABLE_ERROR body)
           | drop=P          close the connection without any response
           | slow=P:SECONDS  hold the response SECONDS before answering
           | expire_iterator=N   the next N requests that present an `offset` get
                             422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE (the iterator is dropped)
           | expire_each_table=1  each table's iterator expires once, after its first page:
                             the first request of each table that presents an `offset` gets
                             422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE; a restarted listing of
                             that table then pages through undisturbed
           | iterator_ttl=SECONDS  idle iterators expire after SECONDS (default 300)
           | churn=N         before each of the next N continuation pages, delete one record
                             the scan has not reached yet and add one new record to the table
           | shuffle=1       list records without sort/view in a random order, not creation order
           | seed=K          seed the random draws so a run can be repeated

Example: `5xx=0.1,drop=0.05,slow=0.1:2.0,expire_iterator=1,churn=2,seed=7`.

Airtable documents the 422 as what a client sees when an iterator is no longer available, and
the answer as starting the listing again without an offset
(https://airtable.com/developers/web/api/list-records). `expire_iterator=N` hits whichever
requests come first, so with several tables read at once one table may meet it twice and
another never; `expire_each_table=1` hits every paged table exactly once, so a run's count of
restarted listings is known in advance (the export benchmark relies on that).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, fields, replace

from leadgen.errors import ConfigError

FAULTS_HELP = (
    "Comma-separated faults: 5xx=P[:500/502/503] (server errors with probability P), "
    "drop=P (close the socket without a response), slow=P:SECONDS (delay responses), "
    "expire_iterator=N (next N paged requests get 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE), "
    "expire_each_table=1 (each table's first paged request gets that 422, once per table), "
    "iterator_ttl=SECONDS (idle iterators expire; default 300), churn=N (add and delete a "
    "record between pages, N times), shuffle=1 (unsorted lists in random order), seed=K. "
    "Example: '5xx=0.1,drop=0.05,slow=0.1:2.0' or 'expire_iterator=1,churn=2'."
)


@dataclass
class Faults:
    """The active faults. Probabilities are 0..1; counts are budgets used up as they fire."""

    error_rate: float = 0.0
    error_codes: tuple[int, ...] = (500, 502, 503)
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    expire_iterator: int = 0
    expire_each_table: bool = False
    iterator_ttl: float = 300.0
    churn: int = 0
    shuffle: bool = False
    seed: int | None = None
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # Tables whose iterator `expire_each_table` has already expired (not copied by `copy`).
    _expired_tables: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """Parse the spec language of this module's docstring; ConfigError on bad input."""
        values: dict[str, object] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, sep, raw = item.partition("=")
            name = name.strip()
            if not sep:
                raise ConfigError(f"fault {item!r} has no value", hint=FAULTS_HELP)
            try:
                _parse_item(name, raw.strip(), values)
            except ValueError as exc:
                raise ConfigError(f"fault {item!r}: {exc}", hint=FAULTS_HELP) from exc
        return cls(**values)  # type: ignore[arg-type]

    def copy(self) -> Faults:
        return replace(self)

    def describe(self) -> str:
        """The spec that reproduces these faults (inverse of `parse`)."""
        parts = []
        if self.error_rate:
            parts.append(f"5xx={self.error_rate}:" + "/".join(map(str, self.error_codes)))
        if self.drop_rate:
            parts.append(f"drop={self.drop_rate}")
        if self.slow_rate:
            parts.append(f"slow={self.slow_rate}:{self.slow_seconds}")
        if self.expire_iterator:
            parts.append(f"expire_iterator={self.expire_iterator}")
        if self.expire_each_table:
            parts.append("expire_each_table=1")
        if self.iterator_ttl != 300.0:
            parts.append(f"iterator_ttl={self.iterator_ttl}")
        if self.churn:
            parts.append(f"churn={self.churn}")
        if self.shuffle:
            parts.append("shuffle=1")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return ",".join(parts)

    # Draws happen on server threads; the lock keeps budgets and the RNG consistent.
    def draw(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return rate >= 1 or self._random.random() < rate

    def pick_error(self) -> int:
        with self._lock:
            return self._random.choice(self.error_codes)

    def take(self, budget: str) -> bool:
        """Use one unit of a counted fault (`expire_iterator` or `churn`) if any is left."""
        with self._lock:
            left = int(getattr(self, budget))
            if left <= 0:
                return False
            setattr(self, budget, left - 1)
            return True

    def expire_table_once(self, table_id: str) -> bool:
        """True the first time a paged request of `table_id` arrives under expire_each_table."""
        if not self.expire_each_table:
            return False
        with self._lock:
            if table_id in self._expired_tables:
                return False
            self._expired_tables.add(table_id)
            return True

    def shuffled(self, items: list[str]) -> list[str]:
        with self._lock:
            items = list(items)
            self._random.shuffle(items)
            return items


def _probability(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError("a probability is between 0 and 1")
    return value


def _flag(text: str) -> bool:
    value = text.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("write 1 (on) or 0 (off)")


def _parse_item(name: str, raw: str, values: dict[str, object]) -> None:
    if name == "5xx":
        rate, _, codes = raw.partition(":")
        values["error_rate"] = _probability(rate)
        if codes:
            parsed = tuple(int(c) for c in codes.split("/"))
            if not all(500 <= c <= 599 for c in parsed):
                raise ValueError("codes must be 5xx statuses")
            values["error_codes"] = parsed
    elif name == "drop":
        values["drop_rate"] = _probability(raw)
    elif name == "slow":
        rate, sep, seconds = raw.partition(":")
        if not sep:
            raise ValueError("write slow=P:SECONDS")
        values["slow_rate"] = _probability(rate)
        values["slow_seconds"] = float(seconds)
    elif name in ("expire_iterator", "churn"):
        count = int(raw)
        if count < 0:
            raise ValueError("a count cannot be negative")
        values[name] = count
    elif name == "iterator_ttl":
        values["iterator_ttl"] = float(raw)
    elif name in ("shuffle", "expire_each_table"):
        values[name] = _flag(raw)
    elif name == "seed":
        values["seed"] = int(raw)
    else:
        known = ", ".join(f.name for f in fields(Faults) if not f.name.startswith("_"))
        raise ValueError(f"unknown fault {name!r} (fields: {known})")
