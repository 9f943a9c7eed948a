"""Pipeline runs: start one (row, then the tenant's n8n webhook), list, read, stream progress.

Starting a run is deliberately two short transactions around the webhook call: n8n updates
the run row as soon as it starts, so the row must be committed before n8n is called; if the
call fails, a second transaction marks the run failed (and the client gets 502).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Query
from sse_starlette import EventSourceResponse
from starlette.responses import Response

from leadgen.api.auth import Principal
from leadgen.api.deps import AppState, Reader, State, TenantConn, pooled
from leadgen.api.errors import ApiError, not_found
from leadgen.api.responses import raw_json_response
from leadgen.api.routes import errors
from leadgen.api.schemas_records import RunIn, RunOut
from leadgen.api.webhook import call_webhook
from leadgen.db.connect import tenant_transaction
from leadgen.sql import queries

router = APIRouter(prefix="/api/runs", tags=["runs"], responses=errors())
sql = queries("api/runs")
FINISHED = ("completed", "failed")
RECHECK_SECONDS = 15.0  # re-read even without a notification (a missed one only delays)


async def read_run(state: AppState, who: Principal, run_id: UUID) -> str | None:
    async with state.app_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with tenant_transaction(conn, who.tenant_id, actor=who.actor):
            doc: str | None = await sql.run_doc(conn, tenant_id=who.tenant_id, run_id=run_id)
            return doc


@router.post("", response_model=RunOut, status_code=201,
             responses=errors(502) | {502: {"description": "n8n webhook failed"}})
async def start_run(body: RunIn, who: Reader, state: State) -> Response:
    async with state.app_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with tenant_transaction(conn, who.tenant_id, actor=who.actor):
            run = await sql.create_run(conn, tenant_id=who.tenant_id, batch_id=body.batch_id,
                                       owner_id=body.owner_id, actor=who.actor)
            if run is None:
                raise not_found("batch or owner")
            hook = await sql.webhook_settings(conn, tenant_id=who.tenant_id)
            if hook is None or not hook["webhook_url"]:  # raising rolls the new row back
                raise ApiError(409, "webhook_not_configured",
                               "no n8n webhook is configured for your workspace",
                               hint="a tenant admin sets it under Settings (PUT /api/settings)")
        payload = {"run_id": run["id"], "batch_id": body.batch_id,
                   "batch_name": run["batch_name"], "owner_id": body.owner_id,
                   "owner_name": run["owner_name"], "tenant": hook["slug"]}
        failure = await call_webhook(state.http, hook["webhook_url"], hook["webhook_secret"],
                                     payload)
        async with tenant_transaction(conn, who.tenant_id, actor=who.actor):
            if failure is not None:
                await sql.fail_run(conn, tenant_id=who.tenant_id, run_id=run["id"],
                                   error=failure)
            doc = await sql.run_doc(conn, tenant_id=who.tenant_id, run_id=run["id"])
    if failure is not None:
        raise ApiError(502, "webhook_failed", f"the run could not be started: {failure}",
                       hint="check the webhook URL under Settings and that n8n is running",
                       extra={"run": orjson.loads(doc)})
    return raw_json_response(doc, status=201)


@router.get("", response_model=list[RunOut])
async def list_runs(conn: TenantConn, who: Reader,
                    limit: Annotated[int, Query(ge=1, le=200)] = 20) -> Response:
    return raw_json_response(await sql.list_runs(conn, tenant_id=who.tenant_id, limit=limit))


@router.get("/{run_id}", response_model=RunOut)
async def get_run(run_id: UUID, conn: TenantConn, who: Reader) -> Response:
    doc = await sql.run_doc(conn, tenant_id=who.tenant_id, run_id=run_id)
    if doc is None:
        raise not_found("run")
    return raw_json_response(doc)


@router.get("/{run_id}/events", response_class=EventSourceResponse, responses={
    200: {"description": "`progress` events (data: RunOut JSON) until the run finishes",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
async def run_events(run_id: UUID, who: Reader, state: State) -> EventSourceResponse:
    """Server-Sent Events: the current state, then one `progress` event per change."""
    if await read_run(state, who, run_id) is None:
        raise not_found("run")
    return EventSourceResponse(_progress(state, who, run_id), ping=15)


async def _progress(state: AppState, who: Principal, run_id: UUID) -> AsyncIterator[Any]:
    async with state.events.subscribe(who.tenant_id, run_id) as wake:
        last: str | None = None
        while True:
            doc = await read_run(state, who, run_id)  # re-read under RLS; the NOTIFY is a bell
            if doc is None:
                return
            if doc != last:
                yield {"event": "progress", "data": doc}
                last = doc
            if orjson.loads(doc).get("status") in FINISHED:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.get(), timeout=RECHECK_SECONDS)
            while not wake.empty():  # a burst of changes is one re-read
                wake.get_nowait()
