"""`leadgen migrate`, `leadgen verify`, `leadgen sync`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Mount the migration commands on the root app."""
