"""Fast JSON responses (orjson), and the rows of an aiosql select as dicts.

Handlers return `json_response(...)` (or raw JSON text built by PostgreSQL) directly, so
FastAPI does not re-validate what the SQL already shaped; the `response_model` of each route
still documents the shape in OpenAPI, and the schemathesis test holds the two together.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from starlette.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):  # asyncpg's own UUID subclass (orjson knows only uuid.UUID)
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise TypeError("refusing to serialise raw bytes")  # hashes never leave the server
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def json_response(
    value: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(value), status_code=status, headers=headers,
                    media_type="application/json")


def raw_json_response(body: bytes | str, *, status: int = 200,
                      headers: dict[str, str] | None = None) -> Response:
    """A body that PostgreSQL already rendered as JSON."""
    return Response(body, status_code=status, headers=headers, media_type="application/json")


async def rows(records: Any) -> list[dict[str, Any]]:
    """The rows of an aiosql select (an async generator of records) as dicts."""
    return [dict(r) async for r in records]
