"""`leadgen serve`: the API and dashboard."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Mount `serve` on the root app."""
