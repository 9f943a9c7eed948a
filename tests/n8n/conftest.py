"""Fixtures of the n8n tests: connections as the application role n8n uses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest


@pytest.fixture
async def app_conn(app_url: str) -> AsyncIterator[asyncpg.Connection]:
    """One connection as leadgen_app (under RLS, like n8n's credential)."""
    conn = await asyncpg.connect(app_url)
    try:
        yield conn
    finally:
        await conn.close()
