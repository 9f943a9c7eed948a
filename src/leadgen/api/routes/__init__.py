"""One router per resource; `ERRORS` documents the error responses every route may return."""

from __future__ import annotations

from typing import Any

from leadgen.api.schemas import ErrorOut, VersionConflictOut

_CODES = {
    400: "Malformed input (e.g. a cursor this API did not hand out, an If-Match that is "
         "neither `*` nor a list of quoted entity tags)",
    401: "Not signed in, session ended, or unknown/revoked API key",
    403: "Role not allowed, CSRF check failed, or the tenant is disabled",
    404: "No such record in your tenant",
    409: "Conflict with the current state",
    412: "If-Match names no current ETag (stale, or weak: compared strongly): the body's "
         "`current` is the message now",
    422: "Request does not match the schema",
    428: "If-Match is missing (an edit must name the version it changes)",
    503: "Database unavailable",
}


def errors(*extra: int) -> dict[int | str, dict[str, Any]]:
    codes = {401, 403, 404, 422, 503, 400, 409, *extra}
    return {c: {"model": ErrorOut, "description": _CODES.get(c, "error")} for c in sorted(codes)}


def precondition_errors() -> dict[int | str, dict[str, Any]]:
    """The errors of a route that takes If-Match: a 412 carries the message now (`current`)."""
    found = errors(412, 428)
    found[412] = {"model": VersionConflictOut, "description": _CODES[412]}
    return found


ERRORS = errors()
