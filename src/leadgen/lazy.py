"""Names a package re-exports, imported on first use rather than with the package.

A package's `__init__` lists its public surface; with a PEP 562 module `__getattr__`
(https://peps.python.org/pep-0562/) importing one light module of the package (its CLI
commands, its mapping) does not import the whole engine behind the other names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` that imports `exports[name]` (a module path) on first use."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
