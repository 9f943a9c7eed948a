"""What one sync cycle reads from Airtable: the schema, the records changed since a moment, and
every record id of a table — all through the exporter's paced, retried pyairtable client.

The exporter's `build_api` mounts its `PacedAdapter`, so every request waits for the base's
`Pacer` (just under 5 req/s, a 429 blocks the whole base for the penalty) and 5xx, timeouts and
dropped connections are retried; nothing here talks to Airtable any other way.

Change detection: list records has no "modified since" parameter
(https://airtable.com/developers/web/api/list-records), so
the cycle lists each table with
    OR(IS_AFTER(LAST_MODIFIED_TIME(), DATETIME_PARSE('<since>')),
       IS_AFTER(CREATED_TIME(),       DATETIME_PARSE('<since>')))
— one request per table when nothing changed (an empty page). `since` is the previous cycle's
start minus an overlap, so a clock difference between us and Airtable smaller than the overlap
loses nothing; records seen twice are deduplicated by id (and skipped later when unchanged).

Deletion detection: there are no tombstones, so `record_ids` lists the whole table asking for
one small field only (`fields[]`), 100 ids a request: a checkbox when the table has one (an
unchecked box is omitted, so most records come back as `{"id", "createdTime", "fields": {}}`),
else a number, else the primary field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import requests
from pyairtable import Api

from leadgen.airtable.export.client import (
    ITERATOR_EXPIRED,
    build_api,
    error_type,
    explain,
    fetch_schema,
)
from leadgen.airtable.export.pacing import AIRTABLE_PAGE_SIZE, PacerRegistry
from leadgen.airtable.export.retrying import RequestStats, RetryPolicy
from leadgen.airtable.snapshot import JSON, Record
from leadgen.errors import AirtableError

# Field types whose cells are smallest (or omitted) in an id-only scan, best first.
_SMALL_TYPES = ("checkbox", "number", "rating", "percent", "currency", "autoNumber")
# RECORD_ID() lists longer than this are split (pyairtable falls back to POST past 16k chars).
RECORD_ID_CHUNK = 50


def iso_z(moment: datetime) -> str:
    """A UTC instant as Airtable writes it (millisecond precision, Z)."""
    text = moment.astimezone(UTC)
    return text.strftime("%Y-%m-%dT%H:%M:%S.") + f"{text.microsecond // 1000:03d}Z"


def changed_since_formula(since: str) -> str:
    """The filterByFormula of records created or modified after `since` (ISO, UTC)."""
    stamp = f"DATETIME_PARSE('{since}')"
    return (
        f"OR(IS_AFTER(LAST_MODIFIED_TIME(), {stamp}), IS_AFTER(CREATED_TIME(), {stamp}))"
    )


def record_ids_formula(record_ids: Iterable[str]) -> str:
    """OR(RECORD_ID()='rec…', …): ids are validated, so no quoting issue can arise."""
    parts = []
    for rec_id in record_ids:
        if not (rec_id.startswith("rec") and rec_id.isalnum()):
            raise AirtableError(f"not an Airtable record id: {rec_id!r}")
        parts.append(f"RECORD_ID()='{rec_id}'")
    return parts[0] if len(parts) == 1 else "OR(" + ",".join(parts) + ")"


def scan_field(table: JSON) -> str:
    """The field an id-only scan asks for: the one with the smallest cells."""
    by_type = {f["type"]: f["id"] for f in reversed(table.get("fields", []))}
    for kind in _SMALL_TYPES:
        if kind in by_type:
            return str(by_type[kind])
    return str(table["primaryFieldId"])


@dataclass
class TableReads:
    """Requests one cycle spent on one table."""

    changed: int = 0
    scan: int = 0
    refetch: int = 0

    @property
    def total(self) -> int:
        return self.changed + self.scan + self.refetch


@dataclass
class AirtableReader:
    """A paced connection to one base for the sync; counts requests per table."""

    api: Api
    base_id: str
    endpoint: str
    stats: RequestStats
    per_table: dict[str, TableReads] = field(default_factory=dict)

    @classmethod
    def connect(
        cls,
        base_id: str,
        *,
        token: str,
        endpoint: str,
        rate_limit: float,
        policy: RetryPolicy | None = None,
    ) -> AirtableReader:
        stats = RequestStats()
        api = build_api(
            token,
            endpoint=endpoint,
            pacers=PacerRegistry(rate_limit),
            policy=policy or RetryPolicy(),
            stats=stats,
        )
        return cls(api=api, base_id=base_id, endpoint=endpoint, stats=stats)

    @property
    def requests(self) -> int:
        return self.stats.requests

    def reads(self, table_id: str) -> TableReads:
        return self.per_table.setdefault(table_id, TableReads())

    def schema(self) -> JSON:
        try:
            return fetch_schema(self.api, self.base_id)
        except AirtableError:
            raise
        except Exception as exc:
            raise explain(exc, endpoint=self.endpoint, base_id=self.base_id) from None

    def changed_since(self, table: JSON, since: str) -> list[Record]:
        """Records of `table` created or modified after `since` (deduplicated by id)."""
        before = self.requests
        found = self._collect(table, formula=changed_since_formula(since))
        self.reads(table["id"]).changed += self.requests - before
        return list(found.values())

    def all_records(self, table: JSON) -> list[Record]:
        """Every record of `table` in full: for a table of one page, its change query and its
        id scan in a single request."""
        before = self.requests
        found = self._collect(table)
        self.reads(table["id"]).changed += self.requests - before
        return list(found.values())

    def fetch(self, table: JSON, record_ids: Iterable[str]) -> list[Record]:
        """These records of `table` as they are now (missing ids are simply absent)."""
        ids = sorted(set(record_ids))
        before = self.requests
        out: list[Record] = []
        for start in range(0, len(ids), RECORD_ID_CHUNK):
            chunk = ids[start : start + RECORD_ID_CHUNK]
            out.extend(self._collect(table, formula=record_ids_formula(chunk)).values())
        self.reads(table["id"]).refetch += self.requests - before
        return out

    def record_ids(self, table: JSON) -> set[str]:
        """Every record id of `table` now (an id-only scan, one small field per record)."""
        before = self.requests
        found = self._collect(table, fields=[scan_field(table)])
        self.reads(table["id"]).scan += self.requests - before
        return set(found)

    def _collect(self, table: JSON, **options: Any) -> dict[str, Record]:
        """All pages of a list request, restarted when Airtable's iterator expires."""
        restarts = 0
        while True:
            found: dict[str, Record] = {}
            try:
                for page in self._pages(table["id"], **options):
                    for record in page:
                        found[record["id"]] = record
                return found
            except requests.HTTPError as exc:
                if error_type(exc) == ITERATOR_EXPIRED and restarts < 5:
                    restarts += 1
                    self.stats.add(iterator_restarts=1)
                    continue
                raise explain(
                    exc, endpoint=self.endpoint, base_id=self.base_id, table=table["name"]
                ) from None
            except AirtableError:
                raise
            except Exception as exc:
                raise explain(
                    exc, endpoint=self.endpoint, base_id=self.base_id, table=table["name"]
                ) from None

    def _pages(self, table_id: str, **options: Any) -> Iterator[list[Record]]:
        pages = self.api.table(self.base_id, table_id).iterate(
            page_size=AIRTABLE_PAGE_SIZE, cell_format="json", use_field_ids=True, **options
        )
        for page in pages:
            yield cast(list[Record], page)
