"""The functions a filterByFormula may call, with their arity — the language's vocabulary.

Shared by the parser (unknown function / wrong argument count → 422), the evaluator (every name
here has exactly one implementation; a test checks it) and the SQL compiler. The list is the one
of Airtable's formula field reference, https://support.airtable.com/docs/formula-field-reference ;
a name not listed is an unknown function. ``None`` as the maximum means "any number".
"""

from __future__ import annotations

from typing import Final

Arity = tuple[int, int | None]

LOGIC: Final[dict[str, Arity]] = {
    "AND": (1, None),
    "OR": (1, None),
    "XOR": (1, None),
    "NOT": (1, 1),
    "IF": (2, 3),
    "SWITCH": (2, None),
    "TRUE": (0, 0),
    "FALSE": (0, 0),
    "BLANK": (0, 0),
    "ERROR": (0, 0),
    "ISERROR": (1, 1),
}

TEXT: Final[dict[str, Arity]] = {
    "FIND": (2, 3),
    "SEARCH": (2, 3),
    "LEN": (1, 1),
    "LOWER": (1, 1),
    "UPPER": (1, 1),
    "TRIM": (1, 1),
    "LEFT": (2, 2),
    "RIGHT": (2, 2),
    "MID": (3, 3),
    "SUBSTITUTE": (3, 4),
    "REPLACE": (4, 4),
    "REPT": (2, 2),
    "CONCATENATE": (1, None),
    "T": (1, 1),
    "ENCODE_URL_COMPONENT": (1, 1),
    "REGEX_MATCH": (2, 2),
    "REGEX_EXTRACT": (2, 2),
    "REGEX_REPLACE": (3, 3),
}

NUMBERS: Final[dict[str, Arity]] = {
    "ABS": (1, 1),
    "ROUND": (1, 2),
    "ROUNDUP": (1, 2),
    "ROUNDDOWN": (1, 2),
    "CEILING": (1, 2),
    "FLOOR": (1, 2),
    "INT": (1, 1),
    "MOD": (2, 2),
    "POWER": (2, 2),
    "SQRT": (1, 1),
    "EXP": (1, 1),
    "LOG": (1, 2),
    "VALUE": (1, 1),
    "SUM": (1, None),
    "AVERAGE": (1, None),
    "MIN": (1, None),
    "MAX": (1, None),
    "COUNT": (1, None),
    "COUNTA": (1, None),
    "COUNTALL": (1, None),
    "EVEN": (1, 1),
    "ODD": (1, 1),
}

DATES: Final[dict[str, Arity]] = {
    "IS_BEFORE": (2, 2),
    "IS_AFTER": (2, 2),
    "IS_SAME": (2, 3),
    "DATETIME_DIFF": (2, 3),
    "DATEADD": (3, 3),
    "TODAY": (0, 0),
    "NOW": (0, 0),
    "DATESTR": (1, 1),
    "TIMESTR": (1, 1),
    "DATETIME_FORMAT": (1, 2),
    "DATETIME_PARSE": (1, 3),
    "SET_TIMEZONE": (2, 2),
    "SET_LOCALE": (2, 2),
    "YEAR": (1, 1),
    "MONTH": (1, 1),
    "DAY": (1, 1),
    "HOUR": (1, 1),
    "MINUTE": (1, 1),
    "SECOND": (1, 1),
    "WEEKDAY": (1, 2),
    "WEEKNUM": (1, 2),
    "WORKDAY": (2, 3),
    "WORKDAY_DIFF": (2, 3),
    "TONOW": (1, 1),
    "FROMNOW": (1, 1),
}

RECORD: Final[dict[str, Arity]] = {
    "RECORD_ID": (0, 0),
    "CREATED_TIME": (0, 0),
    "LAST_MODIFIED_TIME": (0, None),
}

ARRAYS: Final[dict[str, Arity]] = {
    "ARRAYJOIN": (1, 2),
    "ARRAYUNIQUE": (1, 1),
    "ARRAYCOMPACT": (1, 1),
    "ARRAYFLATTEN": (1, 1),
    "ARRAYSLICE": (2, 3),
}

FUNCTIONS: Final[dict[str, Arity]] = {**LOGIC, **TEXT, **NUMBERS, **DATES, **RECORD, **ARRAYS}


def arity_ok(name: str, count: int) -> bool:
    """Whether ``name`` (upper case, known) accepts ``count`` arguments."""
    low, high = FUNCTIONS[name]
    return count >= low and (high is None or count <= high)
