"""Text functions: FIND SEARCH LEN LOWER UPPER TRIM LEFT RIGHT MID SUBSTITUTE REPLACE REPT
CONCATENATE T ENCODE_URL_COMPONENT REGEX_MATCH REGEX_EXTRACT REGEX_REPLACE.

Positions are 1-based. FIND gives 0 and SEARCH gives blank when the needle is absent; both are
case-sensitive (what users report; Airtable does not document it). Regular expressions use
Python's engine, which accepts RE2's syntax for everything RE2 accepts except ``\\C``;
``$1``/``${1}`` in a replacement is a group.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from leadgen.airtable.formula.evaluation.context import Eager, EvalContext
from leadgen.airtable.formula.evaluation.values import (
    ERROR,
    ErrorSignal,
    Value,
    flatten,
    int_arg,
    text_arg,
)


def _position(args: list[Value]) -> int:
    needle, haystack = text_arg(args[0]), text_arg(args[1])
    start = int_arg(args[2], minimum=0) if len(args) > 2 else 1
    return haystack.find(needle, max(start - 1, 0)) + 1


def _find(args: list[Value], ctx: EvalContext) -> Value:
    return float(_position(args))


def _search(args: list[Value], ctx: EvalContext) -> Value:
    found = _position(args)
    return float(found) if found else None


def _left(args: list[Value], ctx: EvalContext) -> Value:
    return text_arg(args[0])[: int_arg(args[1], minimum=0)]


def _right(args: list[Value], ctx: EvalContext) -> Value:
    text, count = text_arg(args[0]), int_arg(args[1], minimum=0)
    return text[len(text) - count :] if count else ""


def _mid(args: list[Value], ctx: EvalContext) -> Value:
    text = text_arg(args[0])
    start, count = int_arg(args[1], minimum=1), int_arg(args[2], minimum=0)
    return text[start - 1 : start - 1 + count]


def _substitute(args: list[Value], ctx: EvalContext) -> Value:
    text, old, new = text_arg(args[0]), text_arg(args[1]), text_arg(args[2])
    if not old:
        return text
    if len(args) < 4:
        return text.replace(old, new)
    index = int_arg(args[3], minimum=1)
    at = -1
    for _ in range(index):
        at = text.find(old, at + 1)
        if at < 0:
            return text
    return text[:at] + new + text[at + len(old) :]


def _replace(args: list[Value], ctx: EvalContext) -> Value:
    text = text_arg(args[0])
    start, count = int_arg(args[1], minimum=1), int_arg(args[2], minimum=0)
    return text[: start - 1] + text_arg(args[3]) + text[start - 1 + count :]


MAX_TEXT = 1_000_000  # a runaway REPT must not exhaust the server's memory


def _rept(args: list[Value], ctx: EvalContext) -> Value:
    text, count = text_arg(args[0]), int_arg(args[1], minimum=0)
    if len(text) * count > MAX_TEXT:
        return ERROR
    return text * count


def _t(args: list[Value], ctx: EvalContext) -> Value:
    value = args[0]
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in flatten(value)):
        return text_arg(value)
    return ""


def _encode(args: list[Value], ctx: EvalContext) -> Value:
    # The characters JavaScript's encodeURIComponent leaves alone.
    return quote(text_arg(args[0]), safe="-_.!~*'()")


def _regex(pattern: Value) -> re.Pattern[str]:
    try:
        return re.compile(text_arg(pattern))
    except re.error:
        raise ErrorSignal() from None


def _regex_match(args: list[Value], ctx: EvalContext) -> Value:
    return _regex(args[1]).search(text_arg(args[0])) is not None


def _regex_extract(args: list[Value], ctx: EvalContext) -> Value:
    found = _regex(args[1]).search(text_arg(args[0]))
    return found.group(0) if found else ERROR


_GROUP = re.compile(r"\$(?:\$|(\d+)|\{(\w+)\})")


def _regex_replace(args: list[Value], ctx: EvalContext) -> Value:
    replacement = text_arg(args[2])

    def expand(match: re.Match[str]) -> str:
        def group(ref: re.Match[str]) -> str:
            if ref.group(0) == "$$":
                return "$"
            name = ref.group(1) or ref.group(2)
            key: int | str = int(name) if name.isdigit() else name
            try:
                return match.group(key) or ""
            except IndexError:
                return ""

        return _GROUP.sub(group, replacement)

    return _regex(args[1]).sub(expand, text_arg(args[0]))


EAGER: dict[str, Eager] = {
    "FIND": _find,
    "SEARCH": _search,
    "LEN": lambda args, ctx: float(len(text_arg(args[0]))),
    "LOWER": lambda args, ctx: text_arg(args[0]).lower(),
    "UPPER": lambda args, ctx: text_arg(args[0]).upper(),
    "TRIM": lambda args, ctx: text_arg(args[0]).strip(),
    "LEFT": _left,
    "RIGHT": _right,
    "MID": _mid,
    "SUBSTITUTE": _substitute,
    "REPLACE": _replace,
    "REPT": _rept,
    "CONCATENATE": lambda args, ctx: "".join(text_arg(a) for a in args),
    "T": _t,
    "ENCODE_URL_COMPONENT": _encode,
    "REGEX_MATCH": _regex_match,
    "REGEX_EXTRACT": _regex_extract,
    "REGEX_REPLACE": _regex_replace,
}
