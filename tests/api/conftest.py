"""API test fixtures: the app on the session database (lifespan entered once per module),
served in-process through httpx's ASGITransport (`api`) or by a real uvicorn on a free port
(`live_url`, for schemathesis and SSE).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from fastapi import FastAPI

from leadgen.api import create_app
from support import run_async
from support.api import free_port, settings_for
from support.tenants import SeededTenant, seed_tenant


@pytest.fixture(scope="module")
async def api(database_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(settings_for(database_url))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="module")
def seeded(database_url: str) -> tuple[SeededTenant, SeededTenant]:
    suffix = uuid.uuid4().hex[:6]
    return (run_async(seed_tenant(database_url, f"api-a-{suffix}")),
            run_async(seed_tenant(database_url, f"api-b-{suffix}")))


@pytest.fixture(scope="module")
def live_url(database_url: str) -> Iterator[str]:
    """The API behind a real uvicorn on a free port, in a thread of its own."""
    port = free_port()
    config = uvicorn.Config(create_app(settings_for(database_url)), host="127.0.0.1",
                            port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
