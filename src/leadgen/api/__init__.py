"""The HTTP API (FastAPI) that the dashboard and machine clients (n8n) use.

`create_app` is imported on first use (PEP 562 module `__getattr__`,
https://peps.python.org/pep-0562/), so importing a light module of this package, such as
`leadgen.api.commands` for the CLI, does not build FastAPI, the routes and the database layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadgen.api.app import create_app
else:

    def __getattr__(name: str) -> object:
        if name == "create_app":
            from leadgen.api.app import create_app

            return create_app
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["create_app"]
