"""What the exporter reads from Airtable, through pyairtable, and what a failure means to a user.

`build_api` wires a pyairtable `Api` to our `PacedAdapter` (pyairtable's own urllib3 retry is
switched off: https://github.com/gtalarico/pyairtable/blob/main/pyairtable/api/retrying.py).
`fetch_schema` returns the metadata API's body verbatim (the snapshot's schema.json is exactly
that body). `scan_table` reads every record of a table keyed by field id, restarting the scan
when Airtable's server-side iterator expires (422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE,
https://airtable.com/developers/web/api/list-records; pyairtable does not handle it).
`explain` turns HTTP and network failures into an `AirtableError` that says what to do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import pydantic
import requests
from pyairtable import Api

from leadgen.airtable.export.pacing import AIRTABLE_PAGE_SIZE, PacerRegistry
from leadgen.airtable.export.retrying import PacedAdapter, RequestStats, RetryPolicy
from leadgen.airtable.snapshot import JSON, Record
from leadgen.errors import AirtableError

SCOPES = "schema.bases:read and data.records:read"
ITERATOR_EXPIRED = "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"


class ExportCancelled(Exception):
    """Raised inside a table's scan when another table failed or the user interrupted."""


def build_api(
    token: str,
    *,
    endpoint: str,
    pacers: PacerRegistry,
    policy: RetryPolicy,
    stats: RequestStats,
    timeout: tuple[float, float] = (10.0, 60.0),
    pool_size: int = 16,
) -> Api:
    """A pyairtable `Api` whose every request is paced per base and retried by our policy."""
    # pyairtable's default timeout is None (wait forever); a hung read must become a retry.
    api = Api(token, retry_strategy=None, endpoint_url=endpoint, timeout=cast(Any, timeout))
    adapter = PacedAdapter(pacers, policy=policy, stats=stats, pool_maxsize=pool_size)
    api.session.mount("http://", adapter)
    api.session.mount("https://", adapter)
    return api


def fetch_schema(api: Api, base_id: str) -> JSON:
    """GET /v0/meta/bases/{base}/tables, exactly as returned (no `include`)."""
    body = api.request("GET", str(api.build_url("meta/bases", base_id, "tables")))
    if not isinstance(body, dict) or not isinstance(body.get("tables"), list):
        raise AirtableError(
            f"the schema of base {base_id} came back without a 'tables' list",
            hint="check that --endpoint points at the Airtable API (https://api.airtable.com)",
        )
    return body


def fetch_base_name(api: Api, base_id: str) -> str:
    """The base's name from GET /v0/meta/bases (paged); "" if that list is not available."""
    url = str(api.build_url("meta/bases"))
    try:
        for page in api.iterate_requests("GET", url):
            for info in page.get("bases", []) if isinstance(page, dict) else []:
                if info.get("id") == base_id:
                    return str(info.get("name", ""))
    except requests.HTTPError:
        return ""  # a name is nice to have; the schema call already proved access
    return ""


def error_type(exc: requests.HTTPError) -> str:
    """Airtable's error type (`{"error": {"type": …}}` or the legacy `{"error": "TYPE"}`)."""
    try:
        body = exc.response.json() if exc.response is not None else None
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("type", ""))
    return str(error or "")


def scan_table(
    api: Api,
    base_id: str,
    table_id: str,
    add_page: Callable[[list[Record]], int],
    *,
    stats: RequestStats,
    stop: threading.Event,
    max_restarts: int = 5,
) -> int:
    """Feed every page of the table to `add_page`; returns how many times the scan restarted.

    After an expired iterator the scan starts again from the first page; `add_page` must drop
    records it has already seen (TableWriter does), so nothing is duplicated or reordered.
    """
    table = api.table(base_id, table_id)
    restarts = 0
    while True:
        try:
            for page in table.iterate(
                page_size=AIRTABLE_PAGE_SIZE, cell_format="json", use_field_ids=True
            ):
                if stop.is_set():
                    raise ExportCancelled
                add_page(cast(list[Record], page))
            return restarts
        except requests.HTTPError as exc:
            if error_type(exc) != ITERATOR_EXPIRED or restarts >= max_restarts:
                raise
            restarts += 1
            stats.add(iterator_restarts=1)


def _status(exc: requests.HTTPError) -> int:
    return exc.response.status_code if exc.response is not None else 0


def explain(
    exc: Exception, *, endpoint: str, base_id: str, table: str | None = None
) -> AirtableError:
    """An `AirtableError` (exit 6) saying what went wrong and what to do. Never shows the token."""
    where = f"table {table} of base {base_id}" if table else f"base {base_id}"
    resume = "finished tables are kept: re-run the same command to resume"
    if isinstance(exc, requests.HTTPError):
        status, kind = _status(exc), error_type(exc)
        label = f"HTTP {status}{' ' + kind if kind else ''}"
        if status == 401:
            return AirtableError(
                f"Airtable did not accept the token ({label})",
                hint=f"set AIRTABLE_TOKEN to a personal access token with {SCOPES} "
                "(create one at https://airtable.com/create/tokens)",
            )
        if status == 403:
            return AirtableError(
                f"no access to {where} ({label}): the base does not exist, "
                "or the token was not granted it",
                hint=f"check the base id (the app… part of the base's URL) and that the token "
                f"lists this base with {SCOPES}",
            )
        if status == 404:
            return AirtableError(
                f"{where} was not found at {endpoint} ({label})",
                hint="check the base id (the app… part of the base's URL) and --endpoint",
            )
        if status == 429:
            return AirtableError(
                f"{where} stayed rate-limited ({label}) through every penalty wait: "
                "another client is using this base's 5 requests/s",
                hint=f"pause other integrations on this base (n8n, scripts), then re-run; {resume}",
            )
        if status >= 500:
            return AirtableError(
                f"Airtable kept failing on {where} ({label}) after every retry",
                hint=f"check https://status.airtable.com and re-run later; {resume}",
            )
        if kind == ITERATOR_EXPIRED:
            return AirtableError(
                f"Airtable's record iterator for {where} kept expiring ({label})",
                hint=f"the server restarts iteration when idle; re-run; {resume}",
            )
        return AirtableError(f"Airtable refused a request for {where} ({label})", hint=resume)
    if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectionError):
        return AirtableError(
            f"{endpoint} stopped answering while reading {where} (timeouts on every retry)",
            hint=f"check the network; {resume}",
        )
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        text = str(exc)
        if "refused" in text.lower():
            reason = "connection refused"
        elif "resolve" in text.lower() or "name or service" in text.lower():
            reason = "host name not found"
        else:
            reason = "connection failed"
        return AirtableError(
            f"cannot reach {endpoint} ({reason})",
            hint="check the network connection and --endpoint "
            "(for the emulator: is `leadgen airtable emulate` running on that port?)",
        )
    if isinstance(exc, pydantic.ValidationError | ValueError):
        return AirtableError(
            f"{endpoint} sent a response for {where} that is not an Airtable record page",
            hint="check that --endpoint points at the Airtable API (https://api.airtable.com)",
        )
    return AirtableError(f"unexpected failure reading {where}: {type(exc).__name__}: {exc}")
