"""Batches: sizes for the batch list, and one batch's statistics."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from leadgen.api.deps import Reader, TenantConn
from leadgen.api.errors import not_found
from leadgen.api.responses import json_response, raw_json_response, rows
from leadgen.api.routes import errors
from leadgen.api.schemas import BatchStats, BatchSummary
from leadgen.sql import queries

router = APIRouter(prefix="/api/batches", tags=["batches"], responses=errors())
sql = queries("api/batches")


@router.get("", response_model=list[BatchSummary])
async def list_batches(conn: TenantConn, who: Reader) -> Response:
    return json_response(await rows(sql.list_batches(conn, tenant_id=who.tenant_id)))


@router.get("/{batch_id}/stats", response_model=BatchStats)
async def batch_stats(batch_id: UUID, conn: TenantConn, who: Reader) -> Response:
    doc = await sql.batch_stats(conn, tenant_id=who.tenant_id, batch_id=batch_id)
    if doc is None:
        raise not_found("batch")
    return raw_json_response(doc)
