"""Messages: the review queue (list, counts), one message with its ETag, edits, create, delete."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import Response

from leadgen.api.deps import MessageWriter, Reader, Reviewer, TenantConn
from leadgen.api.errors import ApiError, not_found
from leadgen.api.listing import decode_cursor, encode_cursor, like
from leadgen.api.message_versions import (
    CHANGE_ATTEMPTS,
    current_doc,
    holds,
    message_response,
    version_conflict,
)
from leadgen.api.preconditions import IfMatchHeader, required
from leadgen.api.responses import json_response
from leadgen.api.routes import errors, precondition_errors
from leadgen.api.schemas import (
    STATUSES,
    MessageChannel,
    MessageCounts,
    MessageCreate,
    MessageOut,
    MessagePage,
    MessagePatch,
    MessageStatus,
)
from leadgen.sql import queries

router = APIRouter(prefix="/api/messages", tags=["messages"], responses=errors())
sql = queries("api/messages")
FIRST_RANK = -(2**31)  # below every review_rank: the keyset start of the first page
FIRST_ID = UUID(int=0)
ITEM_KEYS = tuple(MessageOut.model_fields)


@router.get("", response_model=MessagePage)
async def list_messages(
    conn: TenantConn, who: Reader,
    owner_id: UUID | None = None, status: MessageStatus | None = None,
    channel: MessageChannel | None = None, batch_id: UUID | None = None,
    campaign_id: UUID | None = None, q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, cursor: str | None = None,
) -> Response:
    """The review queue: best contacts first (contact_score DESC NULLS LAST, id)."""
    after_rank, after_id = (FIRST_RANK, FIRST_ID) if cursor is None else decode_cursor(
        cursor, (int, UUID))
    found = [r async for r in sql.list_messages(
        conn, tenant_id=who.tenant_id, by_owner=owner_id is not None,
        by_status=status is not None, owner_id=owner_id,
        status_code=STATUSES.index(status) + 1 if status else None,
        after_rank=after_rank, after_id=after_id, channel=channel, batch_id=batch_id,
        campaign_id=campaign_id, q=like(q), fetch=limit + 1,
    )]
    page = found[:limit]
    if page and tuple(page[0].keys())[:len(ITEM_KEYS)] != ITEM_KEYS:
        raise RuntimeError("list_messages must select MessageOut's fields in their order")
    next_cursor = (encode_cursor(page[-1]["review_rank"], page[-1]["id"])
                   if len(found) > limit else None)
    # zip stops at the last MessageOut field: review_rank (the cursor's) is left out
    items = [dict(zip(ITEM_KEYS, r.values(), strict=False)) for r in page]
    return json_response({"items": items, "next_cursor": next_cursor})


@router.get("/counts", response_model=MessageCounts)
async def message_counts(
    conn: TenantConn, who: Reader,
    owner_id: UUID | None = None, channel: MessageChannel | None = None,
    batch_id: UUID | None = None, campaign_id: UUID | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    counts = dict.fromkeys(STATUSES, 0)
    async for r in sql.message_counts(
        conn, tenant_id=who.tenant_id, owner_id=owner_id, channel=channel, batch_id=batch_id,
        campaign_id=campaign_id, q=like(q),
    ):
        if r["status"] is not None:  # a message migrated without a status is in no bucket
            counts[r["status"]] = r["n"]
    return json_response(counts)


@router.get("/{message_id}", response_model=MessageOut)
async def get_message(message_id: UUID, conn: TenantConn, who: Reader) -> Response:
    return message_response(await current_doc(conn, who.tenant_id, message_id))


@router.patch("/{message_id}", response_model=MessageOut,
              responses=precondition_errors())
async def edit_message(
    message_id: UUID, patch: MessagePatch, conn: TenantConn, who: Reviewer,
    if_match: IfMatchHeader,
) -> Response:
    """Edit subject/body/tone/notes; If-Match is required (428 without, 412 when it fails)."""
    condition = required(if_match)
    fields = patch.model_fields_set
    row = await current_doc(conn, who.tenant_id, message_id)
    for _ in range(CHANGE_ATTEMPTS):
        if not holds(condition, row):
            raise version_conflict(row)
        # compare-and-swap on the version the condition was evaluated against: a change that
        # lands in between makes it miss, and the condition is evaluated again on the new row
        updated = await sql.edit_message(
            conn, tenant_id=who.tenant_id, id=message_id, version=row["version"],
            set_subject="subject" in fields, subject=patch.subject, body=patch.body,
            tone=patch.tone, set_notes="review_notes" in fields,
            review_notes=patch.review_notes,
        )
        row = await current_doc(conn, who.tenant_id, message_id)
        if updated is not None:
            return message_response(row)
    raise version_conflict(row)


@router.post("", response_model=MessageOut, status_code=201)
async def create_message(body: MessageCreate, conn: TenantConn, who: MessageWriter) -> Response:
    """Add a generated message (n8n); owner and batch default to the contact's."""
    new_id = await sql.create_message(conn, tenant_id=who.tenant_id, **body.model_dump())
    if new_id is None:
        raise ApiError(404, "not_found", "no such contact",
                       hint="contact_id must be a contact of your workspace")
    return message_response(await current_doc(conn, who.tenant_id, new_id), status=201)


@router.delete("/{message_id}", status_code=204, response_class=Response)
async def delete_message(message_id: UUID, conn: TenantConn, who: MessageWriter) -> Response:
    if await sql.delete_message(conn, tenant_id=who.tenant_id, id=message_id) is None:
        raise not_found("message")
    return Response(status_code=204)
