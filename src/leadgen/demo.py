"""`leadgen demo`: the whole story on one machine."""

from __future__ import annotations


def demo() -> None:
    """Run the demo."""
