"""Record functions: RECORD_ID CREATED_TIME LAST_MODIFIED_TIME.

LAST_MODIFIED_TIME() is the time of the last change a user made to a non-computed field. The
API record does not carry it, so the caller passes it (``last_modified_time``); without it a
record counts as unmodified since creation, as a fresh Airtable record is. With field
arguments Airtable narrows it to those fields; per-field times are not tracked here, so the
record-level time stands in (a documented approximation) — the field references are still
checked to exist.
"""

from __future__ import annotations

from leadgen.airtable.formula.evaluation.context import Eager, EvalContext, Lazy
from leadgen.airtable.formula.evaluation.dates import parse_date_text
from leadgen.airtable.formula.evaluation.values import ERROR, DateValue, Value
from leadgen.airtable.formula.syntax.ast import Node


def _timestamp(text: object) -> Value:
    if not isinstance(text, str):
        return None
    parsed = parse_date_text(text)
    return DateValue(parsed.instant) if parsed is not None else ERROR


def _created_time(args: list[Value], ctx: EvalContext) -> Value:
    return _timestamp(ctx.record.get("createdTime"))


def _last_modified_time(nodes: tuple[Node, ...], ctx: EvalContext) -> Value:
    return _timestamp(ctx.last_modified_time or ctx.record.get("createdTime"))


EAGER: dict[str, Eager] = {
    "RECORD_ID": lambda args, ctx: str(ctx.record.get("id", "")),
    "CREATED_TIME": _created_time,
}

LAZY: dict[str, Lazy] = {"LAST_MODIFIED_TIME": _last_modified_time}
