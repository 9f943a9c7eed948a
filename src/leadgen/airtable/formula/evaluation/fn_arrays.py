"""Array functions: ARRAYJOIN ARRAYUNIQUE ARRAYCOMPACT ARRAYFLATTEN ARRAYSLICE.

Arrays are lookups, rollup/formula arrays, links and multi-selects. A scalar argument acts as a
one-element array (a blank one as an empty array). ARRAYJOIN's default separator is ", ", the
same as an array in text context (Airtable's formula reference does not say; pass one to be safe).
ARRAYSLICE is 1-based with an inclusive end; negative positions count from the end.
"""

from __future__ import annotations

from leadgen.airtable.formula.evaluation.compare import equals
from leadgen.airtable.formula.evaluation.context import Eager, EvalContext
from leadgen.airtable.formula.evaluation.values import (
    LIST_SEPARATOR,
    ErrorSignal,
    Value,
    flatten,
    int_arg,
    text_arg,
)


def _items(value: Value) -> list[Value]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _join(args: list[Value], ctx: EvalContext) -> Value:
    separator = text_arg(args[1]) if len(args) > 1 else LIST_SEPARATOR
    return separator.join(text_arg(item) for item in flatten(_items(args[0])))


def _unique(args: list[Value], ctx: EvalContext) -> Value:
    unique: list[Value] = []
    for item in _items(args[0]):
        if not any(type(item) is type(seen) and equals(item, seen) is True for seen in unique):
            unique.append(item)
    return unique


def _compact(args: list[Value], ctx: EvalContext) -> Value:
    return [item for item in _items(args[0]) if item is not None and item != ""]


def _slice(args: list[Value], ctx: EvalContext) -> Value:
    items = _items(args[0])
    start = int_arg(args[1])
    end = int_arg(args[2]) if len(args) > 2 else len(items)
    if start == 0:
        raise ErrorSignal()
    first = start - 1 if start > 0 else len(items) + start
    last = end if end > 0 else len(items) + end + 1
    return items[max(first, 0) : max(last, 0)]


EAGER: dict[str, Eager] = {
    "ARRAYJOIN": _join,
    "ARRAYUNIQUE": _unique,
    "ARRAYCOMPACT": _compact,
    "ARRAYFLATTEN": lambda args, ctx: flatten(_items(args[0])),
    "ARRAYSLICE": _slice,
}
