"""`leadgen airtable emulator`."""

from __future__ import annotations


def emulator() -> None:
    """Not built yet."""
