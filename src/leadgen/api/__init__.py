"""The HTTP API (FastAPI) that the dashboard and machine clients (n8n) use.

`create_app` is imported on first use, so importing a light module of this package, such as
`leadgen.api.commands` for the CLI, does not build FastAPI, the routes and the database layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadgen.lazy import lazy_exports

if TYPE_CHECKING:
    from leadgen.api.app import create_app
else:
    __getattr__ = lazy_exports(__name__, {"create_app": "leadgen.api.app"})

__all__ = ["create_app"]
