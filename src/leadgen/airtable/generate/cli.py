"""`leadgen airtable generate`."""

from __future__ import annotations


def generate() -> None:
    """Not built yet."""
