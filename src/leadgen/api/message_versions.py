"""One message as a versioned document: read with its version, answered with its ETag, and a
stale version refused, for the message routes and the review routes alike.

The ETag is the row's `version` (bumped by every change); If-Match carries it back so an edit
made on an outdated copy is refused with 412 and the current message
(RFC 9110 section 13.1.1, https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from starlette.responses import Response

from leadgen.api.errors import ApiError, not_found
from leadgen.api.preconditions import IfMatch, etag
from leadgen.api.responses import raw_json_response
from leadgen.sql import queries

sql = queries("api/messages")


# How often a change whose If-Match still holds is tried again after another change committed
# first (each miss is someone else's success, so this bounds only starvation). A single tag
# fails on the second look; `*` holds every time, so 20 concurrent `*` edits all apply.
CHANGE_ATTEMPTS = 100


async def current_doc(conn: Any, tenant_id: UUID, message_id: UUID) -> Any:
    row = await sql.message_doc(conn, tenant_id=tenant_id, id=message_id)
    if row is None:
        raise not_found("message")
    return row


def message_response(row: Any, status: int = 200) -> Response:
    return raw_json_response(row["doc"], status=status, headers={"ETag": etag(row["version"])})


def version_conflict(row: Any) -> ApiError:
    return ApiError(412, "version_conflict",
                    "someone else changed this message since you loaded it",
                    hint="review the current version (in `current`) and apply your change again",
                    extra={"current": orjson.loads(row["doc"])},
                    headers={"ETag": etag(row["version"])})


def holds(condition: IfMatch | None, row: Any) -> bool:
    """Whether an If-Match (or its absence) allows changing the message as it is in `row`."""
    return condition is None or condition.matches(str(row["version"]))
