"""What a function implementation sees while one record is evaluated, and the registry types.

Eager functions receive their arguments already evaluated; an error among them is returned by
the evaluator before the function runs (Airtable's error propagation). Lazy functions (IF,
SWITCH, ISERROR, LAST_MODIFIED_TIME) receive the argument nodes and evaluate what they need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadgen.airtable.formula.evaluation.cells import FieldIndex, LinkDisplay
from leadgen.airtable.formula.evaluation.values import Value
from leadgen.airtable.formula.syntax.ast import Node


@dataclass(frozen=True)
class EvalContext:
    record: Mapping[str, Any]
    fields: FieldIndex
    now: datetime
    last_modified_time: str | None
    link_display: LinkDisplay | None
    evaluate: Callable[[Node], Value]


Eager = Callable[[list[Value], EvalContext], Value]
Lazy = Callable[[tuple[Node, ...], EvalContext], Value]
