"""Value converters: one Airtable cell value → one PostgreSQL value, or `Bad(reason)`.

Built once per field (`converter(transform, column)`) with the column's limits baked in, so
the per-cell work is a type check and a conversion — no schema lookups. A reason starts with
one of ledger.REASONS ("overflow: …", "NUL byte: …") so reports can be grouped by cause.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import orjson

from leadgen.migrate.coverage import Column

Converter = Callable[[Any], Any]
RECORD_ID = re.compile(r"^rec[A-Za-z0-9]{14}$")
SMALLINT = (-32768, 32767)
INTEGER = (-2147483648, 2147483647)


class Bad(Exception):
    """A value that cannot be loaded; the message is the reject reason."""


def text(value: Any) -> str:
    if type(value) is not str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Bad(f"invalid value: expected text, got {type(value).__name__}")
        value = repr(value) if isinstance(value, float) else str(value)
    if "\x00" in value:
        raise Bad("NUL byte: PostgreSQL text cannot hold U+0000")
    out: str = value
    return out


def domain(value: Any) -> str:
    """A bare lower-case host name from what people type: URLs, www., stray spaces."""
    raw = text(value).strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw).split("/", 1)[0].split("?", 1)[0]
    host = host.removeprefix("www.").rstrip(".")
    return host or raw


def checkbox(value: Any) -> bool:
    if value is True:
        return True
    raise Bad(f"invalid value: a checkbox is true or absent, got {value!r}")


def parse_datetime(value: Any) -> datetime:
    if type(value) is not str:
        raise Bad(f"unparseable date: expected an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Bad(f"unparseable date: {value[:40]!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date:
    if type(value) is not str:
        raise Bad(f"unparseable date: expected YYYY-MM-DD, got {type(value).__name__}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Bad(f"unparseable date: {value[:40]!r} is not YYYY-MM-DD") from None


def number(column: Column) -> Converter:
    """A number checked against the column: NUMERIC(p,s) range, SMALLINT/INTEGER range."""
    if column.data_type in ("smallint", "integer"):
        lo, hi = SMALLINT if column.data_type == "smallint" else INTEGER

        def integer(value: Any) -> int:
            if type(value) is float:
                if not math.isfinite(value) or not value.is_integer():
                    raise Bad(f"invalid value: {value!r} is not an integer")
                value = int(value)
            elif type(value) is not int:
                raise Bad(f"invalid value: expected a number, got {type(value).__name__}")
            if not lo <= value <= hi:
                raise Bad(f"overflow: {value} is outside {column.data_type} [{lo}, {hi}]")
            return cast(int, value)

        return integer
    if column.data_type != "numeric":
        raise Bad(f"column {column.name} ({column.data_type}) cannot take a number")
    p, s = column.precision, column.scale or 0
    limit = None if p is None else 10 ** (p - s)
    quantum = Decimal(1).scaleb(-s)

    def numeric(value: Any) -> int | float | Decimal:
        if type(value) is not int and type(value) is not float:
            raise Bad(f"invalid value: expected a number, got {type(value).__name__}")
        if type(value) is float and not math.isfinite(value):
            raise Bad(f"invalid value: {value!r} is not a finite number")
        # Near the edge, round exactly as PostgreSQL will before comparing.
        if (limit is not None and abs(value) >= limit * 0.999
                and abs(Decimal(repr(value)).quantize(quantum, ROUND_HALF_UP)) >= limit):
            raise Bad(f"overflow: {value!r} does not fit NUMERIC({p},{s})")
        return Decimal(repr(value)) if type(value) is float else value

    return numeric


def json_or_string(value: Any) -> tuple[str, bool]:
    """(JSON text for a jsonb column, whether the text was valid JSON)."""
    s = text(value)
    if "\\u0000" in s:
        raise Bad("NUL byte: jsonb cannot hold \\u0000")
    try:
        orjson.loads(s)
    except orjson.JSONDecodeError:
        return orjson.dumps(s).decode(), False
    return s, True


def attachment_url(value: Any) -> tuple[str, int]:
    """(URL of the first attachment, how many attachments the cell held)."""
    if type(value) is not list or not value or not isinstance(value[0], dict):
        raise Bad("invalid value: expected a list of attachment objects")
    url = value[0].get("url")
    if type(url) is not str:
        raise Bad("invalid value: the first attachment has no url")
    return text(url), len(value)


def is_error_value(value: Any) -> bool:
    """Airtable's formula/rollup error objects: {"error": …} or {"specialValue": …}."""
    return type(value) is dict and len(value) == 1 and ("error" in value or
                                                         "specialValue" in value)
