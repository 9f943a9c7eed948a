"""Every function, fed awkward values, returns a formula value instead of raising; and the
catalog, the parser and the evaluator agree on the function list."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from leadgen.airtable.formula import (
    FUNCTIONS,
    Call,
    DateValue,
    ErrorValue,
    FieldRef,
    Literal,
    Node,
    evaluate,
)
from leadgen.airtable.formula.evaluation.evaluator import EAGER, LAZY

ODD_ARGUMENTS: list[Node] = [
    Literal(""),
    Literal("abc"),
    Literal(0.0),
    Literal(-1.5),
    Literal(1e308),
    Literal("2024-02-29T23:59:59.999Z"),
    Literal("((["),
    Call("BLANK", ()),
    Call("ERROR", ()),
    Call("TODAY", ()),
    FieldRef("batch_name"),
    FieldRef("Notes"),
]


def test_every_catalog_function_has_exactly_one_implementation() -> None:
    assert set(EAGER) & set(LAZY) == set()
    assert set(EAGER) | set(LAZY) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_functions_never_raise_on_odd_input(name: str, tables: dict[str, dict[str, Any]]) -> None:
    contacts = tables["Contacts"]
    record = {
        "id": "recContact000001",
        "createdTime": "2024-01-15T10:00:00.000Z",
        "fields": {"batch_name": ["batch-1", "batch-2"]},
    }
    low, high = FUNCTIONS[name]
    counts = sorted({low, max(low, min(high if high is not None else low + 2, 3))})
    if name == "LAST_MODIFIED_TIME":
        pytest.skip("takes field references only (checked by the parser)")
    for count in counts:
        for combo in itertools.islice(itertools.product(ODD_ARGUMENTS, repeat=count), 400):
            value = evaluate(
                Call(name, tuple(combo)),
                record,
                contacts,
                now=datetime(2024, 6, 15, tzinfo=UTC),
            )
            assert value is None or isinstance(
                value, str | float | bool | list | DateValue | ErrorValue
            )


def _naive_workday(start: date, days: int, holidays: set[date]) -> date:
    step = 1 if days >= 0 else -1
    t, remaining = start, abs(days)
    while remaining:
        t += timedelta(days=step)
        if t.weekday() < 5 and t not in holidays:
            remaining -= 1
    return t


def test_workday_jumps_agree_with_stepping_day_by_day(
    tables: dict[str, dict[str, Any]],
) -> None:
    contacts = tables["Contacts"]
    record = {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "fields": {}}
    holidays = {
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 12, 25),
        date(2023, 12, 25),
        date(2024, 2, 10),
    }
    holiday_text = ", ".join(h.isoformat() for h in sorted(holidays))
    for start_day in range(0, 9):
        start = date(2024, 1, 1) + timedelta(days=start_day * 11)
        for days in (-120, -37, -11, -5, -1, 0, 1, 4, 12, 23, 64, 250):
            node = Call(
                "WORKDAY",
                (Literal(start.isoformat()), Literal(float(days)), Literal(holiday_text)),
            )
            got = evaluate(node, record, contacts)
            assert isinstance(got, DateValue)
            assert got.instant.date() == _naive_workday(start, days, holidays), (start, days)
