"""Liveness (/healthz: the process answers) and readiness (/readyz: database and schema)."""

from __future__ import annotations

import asyncpg
from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from leadgen.api.deps import State
from leadgen.api.responses import json_response
from leadgen.db.migrate import available_migrations
from leadgen.sql import queries

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    schema_version: str | None = None
    pending: list[str] = []


@router.get("/healthz", response_model=Health)
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", response_model=Ready, responses={503: {"model": Ready}})
async def readyz(state: State) -> Response:
    wanted = [m.version for m in available_migrations()]
    try:
        async with state.app_pool.acquire(timeout=2) as conn:
            applied = {r["version"] async for r in queries("api/health").applied_versions(conn)}
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return json_response({"status": "database_unavailable", "schema_version": None,
                              "pending": []}, status=503)
    pending = [v for v in wanted if v not in applied]
    if pending:
        return json_response({"status": "schema_out_of_date", "schema_version": None,
                              "pending": pending}, status=503)
    return json_response({"status": "ready", "schema_version": wanted[-1] if wanted else None,
                          "pending": []})
