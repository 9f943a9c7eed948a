"""The embedded PostgreSQL starts from local binaries and from the pgserver wheel."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
import pytest

from leadgen.db import embedded
from support import run_async


@pytest.mark.parametrize("source", ["local", "pgserver"])
def test_embedded_server_starts_serves_and_stops(
    source: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    if source == "pgserver":
        bundled = embedded.pgserver_bindir()
        assert bundled is not None and (bundled / "initdb").exists()
        monkeypatch.setenv("LEADGEN_PG_BINDIR", str(bundled))
    elif not os.path.exists("/usr/lib/postgresql"):
        pytest.skip("no local PostgreSQL installation on this machine")
    root = Path(tmp_path_factory.mktemp(f"pg-{source}"))
    server = embedded.start(root)
    try:
        again = embedded.start(root)  # a second start reuses the running cluster
        assert again.port == server.port

        async def version() -> str:
            conn = await asyncpg.connect(server.url)
            try:
                return str(await conn.fetchval("SHOW server_version"))
            finally:
                await conn.close()

        assert run_async(version())
    finally:
        embedded.stop(root)
