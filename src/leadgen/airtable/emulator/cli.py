"""`leadgen airtable emulator`."""

from __future__ import annotations


def emulate() -> None:
    """Not built yet."""
