"""moment.js format tokens, for DATETIME_FORMAT and DATETIME_PARSE (English locale only).

Supported tokens: YYYY YY Q Qo MMMM MMM MM Mo M DDDD DDD DD Do D dddd ddd dd d E HH H hh h kk k
mm m ss s SSS SS S A a ZZ Z X x WW W ww w, the locale shorthands LT LTS L LL LLL LLLL l ll lll
llll, and ``[literal text]``. Parsing is forgiving like moment's non-strict mode: punctuation
in the format matches any run of separators, and trailing input is ignored.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from leadgen.airtable.formula.evaluation.dates import local
from leadgen.airtable.formula.evaluation.values import DateValue

_TOKEN = re.compile(
    r"\[[^\]]*\]|LTS|LT|LLLL|LLL|LL|L|llll|lll|ll|l|YYYY|YY|Qo|Q|MMMM|MMM|MM|Mo|M|DDDD|DDD|DD|Do|D"
    r"|dddd|ddd|dd|d|E|HH|H|hh|h|kk|k|mm|m|ss|s|SSS|SS|S|A|a|ZZ|Z|X|x|WW|W|ww|w|.",
    re.DOTALL,
)
_LOCALE = {
    "LT": "h:mm A", "LTS": "h:mm:ss A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY",
    "LLL": "MMMM D, YYYY h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A", "l": "M/D/YYYY",
    "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A", "llll": "ddd, MMM D, YYYY h:mm A",
}
_MONTHS = list(calendar.month_name)[1:]
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _expand(fmt: str) -> list[str]:
    tokens: list[str] = []
    for token in _TOKEN.findall(fmt):
        if token in _LOCALE:
            tokens.extend(_TOKEN.findall(_LOCALE[token]))
        else:
            tokens.append(token)
    return tokens


def locale_week(t: datetime) -> int:
    """moment's ``w`` for English: weeks start on Sunday; the week holding Jan 1 is week 1."""

    def week_one(year: int) -> datetime:
        jan1 = t.replace(year=year, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return jan1 - timedelta(days=(jan1.weekday() + 1) % 7)

    start_next = week_one(t.year + 1)
    if t >= start_next:
        return 1
    return (t - week_one(t.year)).days // 7 + 1


def _offset(t: datetime, colon: bool) -> str:
    delta = t.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def format_date(value: DateValue, fmt: str) -> str:
    """``DATETIME_FORMAT(value, fmt)``: the value's wall-clock time in its zone (UTC default)."""
    t = local(value)
    out: list[str] = []
    for token in _expand(fmt):
        out.append(_format_token(t, token))
    return "".join(out)


def _format_token(t: datetime, token: str) -> str:
    if token.startswith("["):
        return token[1:-1]
    hour12 = t.hour % 12 or 12
    table: dict[str, str] = {
        "YYYY": f"{t.year:04d}", "YY": f"{t.year % 100:02d}",
        "Q": str((t.month - 1) // 3 + 1), "Qo": ordinal((t.month - 1) // 3 + 1),
        "MMMM": _MONTHS[t.month - 1], "MMM": _MONTHS[t.month - 1][:3],
        "MM": f"{t.month:02d}", "Mo": ordinal(t.month), "M": str(t.month),
        "DDDD": f"{t.timetuple().tm_yday:03d}", "DDD": str(t.timetuple().tm_yday),
        "DD": f"{t.day:02d}", "Do": ordinal(t.day), "D": str(t.day),
        "dddd": _DAYS[(t.weekday() + 1) % 7], "ddd": _DAYS[(t.weekday() + 1) % 7][:3],
        "dd": _DAYS[(t.weekday() + 1) % 7][:2], "d": str((t.weekday() + 1) % 7),
        "E": str(t.isoweekday()),
        "HH": f"{t.hour:02d}", "H": str(t.hour), "hh": f"{hour12:02d}", "h": str(hour12),
        "kk": f"{t.hour or 24:02d}", "k": str(t.hour or 24),
        "mm": f"{t.minute:02d}", "m": str(t.minute), "ss": f"{t.second:02d}", "s": str(t.second),
        "SSS": f"{t.microsecond // 1000:03d}", "SS": f"{t.microsecond // 10000:02d}",
        "S": str(t.microsecond // 100000),
        "A": "AM" if t.hour < 12 else "PM", "a": "am" if t.hour < 12 else "pm",
        "ZZ": _offset(t, colon=False), "Z": _offset(t, colon=True),
        "X": str(int(t.timestamp())), "x": str(int(t.timestamp() * 1000)),
        "WW": f"{t.isocalendar()[1]:02d}", "W": str(t.isocalendar()[1]),
        "ww": f"{locale_week(t):02d}", "w": str(locale_week(t)),
    }
    return table.get(token, token)


_MONTH_RE = "|".join(m for name in _MONTHS for m in (name, name[:3]))
_DAY_RE = "|".join(d for name in _DAYS for d in (name, name[:3], name[:2]))
_PARSE_PATTERNS: dict[str, tuple[str, str | None]] = {
    "YYYY": (r"([+-]?\d{4})", "year"), "YY": (r"(\d{2})", "year2"),
    "MMMM": (f"({_MONTH_RE})", "month_name"), "MMM": (f"({_MONTH_RE})", "month_name"),
    "MM": (r"(\d{1,2})", "month"), "M": (r"(\d{1,2})", "month"),
    "Mo": (r"(\d{1,2})(?:st|nd|rd|th)", "month"),
    "DD": (r"(\d{1,2})", "day"), "D": (r"(\d{1,2})", "day"),
    "Do": (r"(\d{1,2})(?:st|nd|rd|th)", "day"),
    "DDDD": (r"(\d{1,3})", "yday"), "DDD": (r"(\d{1,3})", "yday"),
    "dddd": (f"(?:{_DAY_RE})", None), "ddd": (f"(?:{_DAY_RE})", None),
    "dd": (f"(?:{_DAY_RE})", None), "d": (r"(?:\d)", None), "E": (r"(?:\d)", None),
    "HH": (r"(\d{1,2})", "hour"), "H": (r"(\d{1,2})", "hour"),
    "hh": (r"(\d{1,2})", "hour"), "h": (r"(\d{1,2})", "hour"),
    "kk": (r"(\d{1,2})", "hour"), "k": (r"(\d{1,2})", "hour"),
    "mm": (r"(\d{1,2})", "minute"), "m": (r"(\d{1,2})", "minute"),
    "ss": (r"(\d{1,2})", "second"), "s": (r"(\d{1,2})", "second"),
    "SSS": (r"(\d{1,9})", "fraction"), "SS": (r"(\d{1,9})", "fraction"),
    "S": (r"(\d{1,9})", "fraction"),
    "A": (r"([AaPp][Mm])", "meridiem"), "a": (r"([AaPp][Mm])", "meridiem"),
    "ZZ": (r"(Z|[+-]\d{2}:?\d{2})", "offset"), "Z": (r"(Z|[+-]\d{2}:?\d{2})", "offset"),
    "X": (r"(-?\d+(?:\.\d+)?)", "unix"), "x": (r"(-?\d+)", "unix_ms"),
    "Q": (r"(?:[1-4])", None), "Qo": (r"(?:[1-4](?:st|nd|rd|th))", None),
    "WW": (r"(?:\d{1,2})", None), "W": (r"(?:\d{1,2})", None),
    "ww": (r"(?:\d{1,2})", None), "w": (r"(?:\d{1,2})", None),
}


def parse_with_format(text: str, fmt: str) -> DateValue | None:
    """``DATETIME_PARSE(text, fmt)``: None when the text does not fit the format."""
    pattern: list[str] = []
    slots: list[str] = []
    for token in _expand(fmt):
        if token.startswith("["):
            pattern.append(re.escape(token[1:-1]))
        elif token in _PARSE_PATTERNS:
            regex, slot = _PARSE_PATTERNS[token]
            pattern.append(regex)
            if slot:
                slots.append(slot)
        elif token.isalnum():
            pattern.append(re.escape(token))
        else:
            pattern.append(r"[^0-9A-Za-z]*")
    match = re.match("".join(pattern), text.strip(), re.IGNORECASE)
    if match is None:
        return None
    return _build(dict(zip(slots, match.groups(), strict=True)))


def _build(parts: dict[str, str]) -> DateValue | None:
    if "unix" in parts:
        return DateValue(datetime.fromtimestamp(float(parts["unix"]), UTC))
    if "unix_ms" in parts:
        return DateValue(datetime.fromtimestamp(int(parts["unix_ms"]) / 1000, UTC))
    year = int(parts.get("year", 0)) or datetime.now(UTC).year
    if "year2" in parts:
        short = int(parts["year2"])
        year = short + (2000 if short <= 68 else 1900)
    month = int(parts.get("month", 1))
    if "month_name" in parts:
        month = [m[:3].lower() for m in _MONTHS].index(parts["month_name"][:3].lower()) + 1
    hour = int(parts.get("hour", 0))
    meridiem = parts.get("meridiem", "").lower()
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    micro = int(parts.get("fraction", "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            year, month, int(parts.get("day", 1)), hour,
            int(parts.get("minute", 0)), int(parts.get("second", 0)), micro,
        )
    except ValueError:
        return None
    if "yday" in parts:
        moment = moment.replace(month=1, day=1) + timedelta(days=int(parts["yday"]) - 1)
    offset = parts.get("offset")
    if offset and offset.upper() != "Z":
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return DateValue(moment.replace(tzinfo=UTC))
