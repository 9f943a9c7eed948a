"""The HTTP API (FastAPI) that the dashboard and machine clients (n8n) use."""

from leadgen.api.app import create_app

__all__ = ["create_app"]
