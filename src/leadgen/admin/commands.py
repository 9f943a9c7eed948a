"""`leadgen tenant|user|apikey create`: platform administration from the CLI."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Mount the admin command groups on the root app."""
