"""Review actions on messages: approve, reject, undo (optional If-Match) and bulk approve."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Header
from starlette.responses import Response

from leadgen.api.deps import Reviewer, TenantConn
from leadgen.api.errors import ApiError
from leadgen.api.message_versions import (
    current_doc,
    message_response,
    parse_if_match,
    version_conflict,
)
from leadgen.api.responses import json_response
from leadgen.api.routes import errors
from leadgen.api.schemas import (
    ApproveIn,
    BulkApproveIn,
    BulkApproveOut,
    MessageOut,
    RejectIn,
    VersionConflictOut,
)
from leadgen.sql import queries

router = APIRouter(prefix="/api/messages", tags=["review"],
                   responses=errors(412, 428) | {412: {"model": VersionConflictOut}})
sql = queries("api/messages")

# target status -> statuses it may come from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "approved": ("draft", "rejected"),
    "rejected": ("draft", "approved"),
    "draft": ("approved", "rejected"),
}


async def transition(conn: TenantConn, who: Reviewer, message_id: UUID, to_status: str,
                     notes: str | None, if_match: str | None) -> Response:
    version = parse_if_match(if_match)
    moved = await sql.set_review_status(
        conn, tenant_id=who.tenant_id, id=message_id, to_status=to_status,
        from_statuses=list(TRANSITIONS[to_status]), version=version, notes=notes,
    )
    row = await current_doc(conn, who.tenant_id, message_id)
    if moved is not None:
        return message_response(row)
    if version is not None and row["version"] != version:
        raise version_conflict(row)
    if row["status"] == to_status:  # already there (a double click): nothing to do
        return message_response(row)
    raise ApiError(409, "invalid_transition",
                   f"a {row['status']} message cannot be moved to {to_status}",
                   hint="only draft, approved and rejected messages are reviewed")


@router.post("/{message_id}/approve", response_model=MessageOut)
async def approve(
    message_id: UUID, conn: TenantConn, who: Reviewer,
    body: Annotated[ApproveIn | None, Body()] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    return await transition(conn, who, message_id, "approved", body.notes if body else None,
                            if_match)


@router.post("/{message_id}/reject", response_model=MessageOut)
async def reject(
    message_id: UUID, body: RejectIn, conn: TenantConn, who: Reviewer,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    return await transition(conn, who, message_id, "rejected", body.notes, if_match)


@router.post("/{message_id}/undo", response_model=MessageOut)
async def undo(
    message_id: UUID, conn: TenantConn, who: Reviewer,
    if_match: Annotated[str | None, Header()] = None,
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
