"""Logical functions: AND OR XOR NOT IF SWITCH TRUE FALSE BLANK ERROR ISERROR.

AND/OR/XOR/NOT judge their arguments by Airtable truthiness (an array argument counts as one
value). IF without an else gives blank; SWITCH matches with ``=`` semantics and gives blank
when nothing matches and there is no default. ISERROR is true for #ERROR! and for NaN.
"""

from __future__ import annotations

import math

from leadgen.airtable.formula.evaluation.compare import equals
from leadgen.airtable.formula.evaluation.context import Eager, EvalContext, Lazy
from leadgen.airtable.formula.evaluation.values import ERROR, ErrorValue, Value, truthy
from leadgen.airtable.formula.syntax.ast import Node


def _and(args: list[Value], ctx: EvalContext) -> Value:
    return all(truthy(a) for a in args)


def _or(args: list[Value], ctx: EvalContext) -> Value:
    return any(truthy(a) for a in args)


def _xor(args: list[Value], ctx: EvalContext) -> Value:
    return sum(truthy(a) for a in args) % 2 == 1


def _not(args: list[Value], ctx: EvalContext) -> Value:
    return not truthy(args[0])


def _if(nodes: tuple[Node, ...], ctx: EvalContext) -> Value:
    condition = ctx.evaluate(nodes[0])
    if isinstance(condition, ErrorValue):
        return condition
    if truthy(condition):
        return ctx.evaluate(nodes[1])
    return ctx.evaluate(nodes[2]) if len(nodes) > 2 else None


def _switch(nodes: tuple[Node, ...], ctx: EvalContext) -> Value:
    subject = ctx.evaluate(nodes[0])
    if isinstance(subject, ErrorValue):
        return subject
    rest = nodes[1:]
    pairs, default = (rest[:-1], rest[-1]) if len(rest) % 2 else (rest, None)
    for i in range(0, len(pairs), 2):
        pattern = ctx.evaluate(pairs[i])
        matched = equals(subject, pattern)
        if isinstance(matched, ErrorValue):
            return matched
        if matched:
            return ctx.evaluate(pairs[i + 1])
    return ctx.evaluate(default) if default is not None else None


def _iserror(nodes: tuple[Node, ...], ctx: EvalContext) -> Value:
    value = ctx.evaluate(nodes[0])
    if isinstance(value, ErrorValue):
        return True
    return isinstance(value, float) and math.isnan(value)


EAGER: dict[str, Eager] = {
    "AND": _and,
    "OR": _or,
    "XOR": _xor,
    "NOT": _not,
    "TRUE": lambda args, ctx: True,
    "FALSE": lambda args, ctx: False,
    "BLANK": lambda args, ctx: None,
    "ERROR": lambda args, ctx: ERROR,
}

LAZY: dict[str, Lazy] = {"IF": _if, "SWITCH": _switch, "ISERROR": _iserror}
