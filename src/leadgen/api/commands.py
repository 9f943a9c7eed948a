"""`leadgen serve`: the API and dashboard."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Mount `serve` on the root app."""
    app.command("serve")(serve)


def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on (default 127.0.0.1)")]
    = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Serve the API (under /api) and the dashboard (at /)."""
    import uvicorn

    from leadgen.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "leadgen.api.app:create_app", factory=True, host=host or settings.host,
        port=port or settings.port, workers=workers, proxy_headers=True,
        forwarded_allow_ips="127.0.0.1", log_level="info", access_log=False,
    )
