"""Review actions on messages: approve, reject, undo (optional If-Match) and bulk approve."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body
from starlette.responses import Response

from leadgen.api.deps import Reviewer, TenantConn
from leadgen.api.errors import ApiError
from leadgen.api.message_versions import (
    CHANGE_ATTEMPTS,
    current_doc,
    holds,
    message_response,
    sql,
    version_conflict,
)
from leadgen.api.preconditions import IfMatch, IfMatchHeader
from leadgen.api.responses import json_response
from leadgen.api.routes import precondition_errors
from leadgen.api.schemas import (
    ApproveIn,
    BulkApproveIn,
    BulkApproveOut,
    MessageOut,
    RejectIn,
)

router = APIRouter(prefix="/api/messages", tags=["review"],
                   responses=precondition_errors())

# target status -> statuses it may come from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "approved": ("draft", "rejected"),
    "rejected": ("draft", "approved"),
    "draft": ("approved", "rejected"),
}


async def transition(conn: TenantConn, who: Reviewer, message_id: UUID, to_status: str,
                     notes: str | None, condition: IfMatch | None) -> Response:
    row = await current_doc(conn, who.tenant_id, message_id)
    for _ in range(CHANGE_ATTEMPTS):
        if not holds(condition, row):
            raise version_conflict(row)
        # without If-Match (or with `*`) any version may move; otherwise the one just checked
        version = None if condition is None or condition.any else row["version"]
        moved = await sql.set_review_status(
            conn, tenant_id=who.tenant_id, id=message_id, to_status=to_status,
            from_statuses=list(TRANSITIONS[to_status]), version=version, notes=notes,
        )
        row = await current_doc(conn, who.tenant_id, message_id)
        if moved is not None:
            return message_response(row)
        if version is None or row["version"] == version:
            break  # the version held: the status is what refused
    else:
        raise version_conflict(row)
    if row["status"] == to_status:  # already there (a double click): nothing to do
        return message_response(row)
    raise ApiError(409, "invalid_transition",
                   f"a {row['status']} message cannot be moved to {to_status}",
                   hint="only draft, approved and rejected messages are reviewed")


@router.post("/{message_id}/approve", response_model=MessageOut)
async def approve(
    message_id: UUID, conn: TenantConn, who: Reviewer, if_match: IfMatchHeader,
    body: Annotated[ApproveIn | None, Body()] = None,
) -> Response:
    return await transition(conn, who, message_id, "approved", body.notes if body else None,
                            if_match)


@router.post("/{message_id}/reject", response_model=MessageOut)
async def reject(
    message_id: UUID, body: RejectIn, conn: TenantConn, who: Reviewer,
    if_match: IfMatchHeader,
) -> Response:
    return await transition(conn, who, message_id, "rejected", body.notes, if_match)


@router.post("/{message_id}/undo", response_model=MessageOut)
async def undo(
    message_id: UUID, conn: TenantConn, who: Reviewer,
    if_match: IfMatchHeader,
) -> Response:
    """Back to draft (clears approved_at)."""
    return await transition(conn, who, message_id, "draft", None, if_match)


@router.post("/bulk-approve", response_model=BulkApproveOut)
async def bulk_approve(body: BulkApproveIn, conn: TenantConn, who: Reviewer) -> Response:
    ids = list(dict.fromkeys(body.ids))
    approved = [r["id"] async for r in sql.bulk_approve(conn, tenant_id=who.tenant_id,
                                                               ids=ids)]
    done = set(approved)
    rest = [i for i in ids if i not in done]
    existing = {r["id"] async for r in sql.existing_ids(conn, tenant_id=who.tenant_id,
                                                          ids=rest)} if rest else set()
    skipped = [{"id": i, "reason": "not_draft" if i in existing else "not_found"} for i in rest]
    return json_response({"approved": approved, "skipped": skipped})
