"""A port of pg-promise's ``$N`` formatting, the way n8n's Postgres node sends parameters.

n8n does not use server-side bind parameters: pg-promise renders every value into the SQL text
as a literal (https://github.com/vitaly-t/pg-promise#query-formatting), which decides how casts,
enums and arrays behave. Tests render the library's queries with this port and run the result,
so they exercise the text PostgreSQL would really receive from n8n, not what a Python driver
would send.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

_PLACEHOLDER = re.compile(r"\$(\d+)(?!\d)")


def as_literal(value: Any) -> str:
    """One JavaScript value as pg-promise formats it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "'NaN'"
        if math.isinf(value):
            return "'+Infinity'" if value > 0 else "'-Infinity'"
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime | date):
        return "'" + value.isoformat() + "'"
    if isinstance(value, list | tuple):
        if not value:
            return "'{}'"
        return "array[" + ",".join(as_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return as_literal(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    raise TypeError(f"pg-promise cannot format {type(value).__name__}")


def format_query(sql: str, values: Sequence[Any]) -> str:
    """``sql`` with every ``$N`` replaced by the literal of ``values[N-1]``.

    Like pg-promise it replaces inside quotes and comments too, and leaves a ``$N`` with no
    value as it is (the server then says "there is no parameter $N").
    """

    def render(match: re.Match[str]) -> str:
        index = int(match[1]) - 1
        if 0 <= index < len(values):
            return as_literal(values[index])
        return match[0]

    return _PLACEHOLDER.sub(render, sql)
