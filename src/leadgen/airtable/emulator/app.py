"""The emulator's request handling, independent of any HTTP server: auth, routing on the raw
path, the rate limit, fault decisions, and dispatch to the list/get/write/meta handlers.

`AirtableApp.handle` turns a `Request` into a `Response` and never raises; the transport in
`server.py` only moves bytes (and obeys `Response.drop` / `Response.delay`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from leadgen.airtable.emulator import api_errors
from leadgen.airtable.emulator.api_errors import ApiError
from leadgen.airtable.emulator.faults import Faults
from leadgen.airtable.emulator.iterators import IteratorRegistry
from leadgen.airtable.emulator.listing import (
    Lister,
    params_from_body,
    params_from_query,
    parse_bool,
)
from leadgen.airtable.emulator.ratelimit import RateLimiter
from leadgen.airtable.emulator.schema_index import TableInfo
from leadgen.airtable.emulator.store import RecordStore
from leadgen.airtable.emulator.writes import Writer

log = logging.getLogger(__name__)
JSON = dict[str, Any]
# Airtable's documented limit (https://airtable.com/developers/web/api/list-records);
# pyairtable switches to POST here.
MAX_URL_LENGTH = 16_000


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # the raw request target: percent-encoded path plus query string
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""


@dataclass
class Response:
    status: int
    body: Any = None
    drop: bool = False  # close the connection without answering (fault injection)
    delay: float = 0.0  # seconds to wait before answering (fault injection)
    fault: str | None = None


@dataclass
class Compatibility:
    """Where Airtable's answers changed over time: unknown table or record, 403 now, 404 once."""

    unknown_table: Literal["403", "404"] = "403"
    missing_record: Literal["403", "404"] = "403"


@dataclass
class Route:
    kind: str
    base_id: str | None = None
    table: str | None = None
    record_id: str | None = None
    extra: list[str] = field(default_factory=list)


def route(path: str) -> Route:
    """Split on the raw path before decoding, so `%2F` stays inside a table name."""
    parts = [unquote(p) for p in path.split("/")[1:]]  # unquote keeps "+" a literal plus
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or parts[0] != "v0":
        return Route("unknown")
    rest = parts[1:]
    if rest[:1] == ["meta"]:
        if rest == ["meta", "whoami"]:
            return Route("whoami")
        if rest == ["meta", "bases"]:
            return Route("bases")
        if len(rest) == 4 and rest[1] == "bases" and rest[3] == "tables":
            return Route("schema", base_id=rest[2])
        return Route("unknown")
    if len(rest) == 2:
        return Route("table", base_id=rest[0], table=rest[1])
    if len(rest) == 3:
        return Route("record", base_id=rest[0], table=rest[1], record_id=rest[2])
    return Route("unknown")


class AirtableApp:
    """One emulated base behind one token."""

    def __init__(
        self,
        store: RecordStore,
        *,
        token: str,
        limiter: RateLimiter,
        faults: Callable[[], Faults],
        iterators: IteratorRegistry,
        compat: Compatibility | None = None,
    ) -> None:
        self.store = store
        self.token = token
        self.limiter = limiter
        self.faults = faults
        self.compat = compat or Compatibility()
        self.lister = Lister(store, iterators, faults)
        self.writer = Writer(store, missing=self._missing_record)

    def handle(self, request: Request) -> Response:
        try:
            return self._handle(request)
        except ApiError as exc:
            return Response(exc.status, exc.body)
        except Exception:  # a bug in the emulator must still look like a server error
            log.exception("emulator failed on %s %s", request.method, request.target)
            err = api_errors.server_error(500)
            return Response(err.status, err.body)

    def _handle(self, request: Request) -> Response:
        if len(request.target) > MAX_URL_LENGTH:
            # The status for an over-long URL is not documented; 414 is HTTP's own.
            raise api_errors.typed(414, "INVALID_REQUEST_UNKNOWN", "The request URL is too long")
        path, _, query = request.target.partition("?")
        if request.headers.get("authorization", "") != f"Bearer {self.token}":
            raise api_errors.authentication_required()
        where = route(path)
        if where.base_id == self.store.base_id and not self.limiter.admit():
            return Response(429, api_errors.rate_limited().body, fault=None)
        faults = self.faults()
        if faults.draw(faults.drop_rate):
            return Response(0, drop=True, fault="drop")
        delay = faults.slow_seconds if faults.draw(faults.slow_rate) else 0.0
        if faults.draw(faults.error_rate):
            err = api_errors.server_error(faults.pick_error())
            return Response(err.status, err.body, delay=delay, fault="5xx")
        response = self._dispatch(request, where, parse_qsl(query, keep_blank_values=True))
        response.delay = delay
        response.fault = "slow" if delay else None
        return response

    def _dispatch(self, request: Request, where: Route, query: list[tuple[str, str]]) -> Response:
        method = request.method.upper()
        if where.kind == "whoami" and method == "GET":
            return Response(200, {"id": "usr" + self.store.base_id[3:]})
        if where.kind == "bases" and method == "GET":
            bases = [
                {
                    "id": self.store.base_id,
                    "name": self.store.base_name,
                    "permissionLevel": "create",
                }
            ]
            return Response(200, {"bases": bases})
        if where.kind == "schema" and method == "GET":
            if where.base_id != self.store.base_id:
                raise api_errors.model_not_found()  # the meta API answers 403 here
            include = [v for k, v in query if k in ("include", "include[]")]
            with self.store.lock:
                body = self.store.schema.meta_body(visible_field_ids="visibleFieldIds" in include)
            return Response(200, body)
        if where.kind in ("table", "record"):
            if where.base_id != self.store.base_id:
                raise api_errors.not_found()  # unknown base on the data API (https://airtable.com/developers/web/api/errors)
            return Response(200, self._records(request, method, where, query))
        raise api_errors.not_found()

    def _table(self, name: str) -> TableInfo:
        table = self.store.table(name)
        if table is None:
            if self.compat.unknown_table == "404":
                raise api_errors.table_not_found(name, self.store.base_id)
            raise api_errors.model_not_found()
        return table

    def _missing_record(self) -> ApiError:
        if self.compat.missing_record == "404":
            return api_errors.record_not_found_legacy()
        return api_errors.model_not_found()

    @staticmethod
    def _json(request: Request) -> JSON:
        if not request.body.strip():
            return {}
        try:
            body = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise api_errors.invalid_request(400) from exc  # not JSON: 400 (https://airtable.com/developers/web/api/errors)
        if not isinstance(body, dict):
            raise api_errors.invalid_request()
        return body

    def _records(
        self, request: Request, method: str, where: Route, query: list[tuple[str, str]]
    ) -> JSON:
        table = self._table(where.table or "")
        rec_id = where.record_id
        if rec_id is None:
            if method == "GET":
                return self.lister.list_page(table, params_from_query(query))
            if method == "POST":
                return self.writer.create(table, self._json(request))
            if method in ("PATCH", "PUT"):
                return self.writer.update_many(table, self._json(request), replace=method == "PUT")
            if method == "DELETE":
                ids = [v for k, v in query if k in ("records[]", "records")]
                return self.writer.delete_many(table, ids)
        elif rec_id == "listRecords" and method == "POST":
            params = params_from_body(self._json(request))
            return self.lister.list_page(table, params)
        elif method == "GET":
            by_id = any(parse_bool(v) for k, v in query if k == "returnFieldsByFieldId")
            if any(k == "cellFormat" and v != "json" for k, v in query):
                raise api_errors.invalid_request()
            return self.lister.get(table, rec_id, by_id=by_id, missing=self._missing_record)
        elif method in ("PATCH", "PUT"):
            return self.writer.update_one(
                table, rec_id, self._json(request), replace=method == "PUT"
            )
        elif method == "DELETE":
            return self.writer.delete_one(table, rec_id)
        raise api_errors.not_found()
