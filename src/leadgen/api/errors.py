"""HTTP errors of the API and the one place that maps every failure to the error shape.

Every error body is `{"error": {"code", "message", "hint"?}}` with the right status; an
unexpected exception becomes a 500 with a generic message (logged, never echoed).

    ApiError                    status chosen per instance (401, 403, 404, 409, 412, 428, 429 …)
    leadgen.errors.LeadgenError its http_status (ConfigError 400, NotFound 404, …)
    RequestValidationError      422 validation_error
    HTTPException (Starlette)   its status (unknown path 404, wrong method 405)
    asyncpg errors              FK/unique/check violations 409 or 422; connection loss 503
"""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from leadgen.api.responses import json_response
from leadgen.errors import LeadgenError

log = logging.getLogger("leadgen.api")


class ApiError(Exception):
    """An error a client can act on: status, snake_case code, message, optional hint."""

    def __init__(
        self, status: int, code: str, message: str, *, hint: str | None = None,
        extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.extra = extra or {}
        self.headers = headers or {}


def not_found(what: str = "record") -> ApiError:
    return ApiError(404, "not_found", f"no such {what}",
                    hint="check the id; it may have been deleted")


def forbidden(message: str = "your role may not do this") -> ApiError:
    return ApiError(403, "forbidden", message, hint="ask a tenant admin")


def error_body(code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if hint:
        err["hint"] = hint
    return {"error": err}


def _respond(status: int, code: str, message: str, hint: str | None = None,
             extra: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> Response:
    body = error_body(code, message, hint)
    if extra:
        body.update(extra)
    return json_response(body, status=status, headers=headers)


_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _respond(exc.status, exc.code, exc.message, exc.hint, exc.extra, exc.headers)


async def _leadgen_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, LeadgenError)
    code = _SNAKE.sub("_", type(exc).__name__).lower()
    status = exc.http_status if exc.http_status != 500 else 500
    return _respond(status, code, exc.message, exc.hint)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        fields.append(f"{loc}: {err.get('msg', 'invalid')}")
    return _respond(422, "validation_error", "the request does not match what this endpoint "
                    "accepts", "; ".join(fields)[:1000] or None)


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}
    code = codes.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    return _respond(exc.status_code, code, message, headers=dict(exc.headers or {}))


async def _database_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        # 404, like any other id the caller cannot see (another tenant's id is "not found")
        return _respond(404, "invalid_reference", "a record this request refers to does not "
                        "exist", "check the ids in the request")
    if isinstance(exc, asyncpg.UniqueViolationError):
        return _respond(409, "conflict", "a record with these values already exists")
    if isinstance(exc, asyncpg.CheckViolationError | asyncpg.DataError):
        return _respond(422, "invalid_value", "a value is out of range or malformed")
    if isinstance(exc, asyncpg.InterfaceError | asyncpg.exceptions.ConnectionDoesNotExistError):
        return _respond(503, "database_unavailable", "the database is not reachable",
                        "try again in a moment")
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if isinstance(exc, OSError):
        return _respond(503, "database_unavailable", "the database is not reachable",
                        "try again in a moment")
    return _respond(500, "internal_error", "something went wrong on our side",
                    "try again; if it persists, tell the administrator the time it happened")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(LeadgenError, _leadgen_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(asyncpg.PostgresError, _database_error)
    app.add_exception_handler(asyncpg.InterfaceError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
