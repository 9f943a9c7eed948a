"""to_formula_value: how each field type's API cell appears inside a formula."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from leadgen.airtable.formula import DateValue, ErrorValue, to_formula_value
from leadgen.airtable.formula.evaluation.values import to_text


def field(kind: str, **options: Any) -> dict[str, Any]:
    return {"id": "fldAAAAAAAAAAAAAA", "name": "F", "type": kind, "options": options or None}


@pytest.mark.parametrize(
    ("kind", "cell", "expected"),
    [
        ("singleLineText", "Union Square", "Union Square"),
        ("multilineText", None, None),
        ("email", "a@b.com", "a@b.com"),
        ("singleSelect", "In progress", "In progress"),
        ("number", 0, 0.0),
        ("number", None, None),
        ("currency", 12.5, 12.5),
        ("percent", 0.123, 0.123),
        ("duration", 3600, 3600.0),
        ("rating", 3, 3.0),
        ("autoNumber", 194, 194.0),
        ("count", 0, 0.0),
        ("checkbox", True, True),
        ("checkbox", None, False),
        ("multipleSelects", ["One", "Three"], ["One", "Three"]),
        ("multipleSelects", None, None),
        ("multipleRecordLinks", ["recEsS8Ywh3sr5YEE"], ["recEsS8Ywh3sr5YEE"]),
        ("singleCollaborator", {"id": "usr1", "email": "b@x.com", "name": "Brian"}, "Brian"),
        ("createdBy", {"id": "usr1", "email": "b@x.com"}, "b@x.com"),
        (
            "multipleCollaborators",
            [{"id": "usr1", "name": "A"}, {"id": "usr2", "name": "B"}],
            ["A", "B"],
        ),
        (
            "multipleAttachments",
            [{"id": "att1", "url": "https://u/a.png", "filename": "a.png"}],
            ["a.png (https://u/a.png)"],
        ),
        ("barcode", {"text": "01234567", "type": "upce"}, "01234567"),
        ("button", {"label": "Open URL", "url": None}, "Open URL"),
        ("aiText", {"state": "generated", "isStale": False, "value": "Hi"}, "Hi"),
        ("externalSyncSource", "Sync A", "Sync A"),
    ],
)
def test_plain_types(kind: str, cell: Any, expected: Any) -> None:
    value = to_formula_value(field(kind), cell)
    assert value == expected
    assert type(value) is type(expected)


def test_dates_are_date_values() -> None:
    day = to_formula_value(field("date"), "2022-09-05")
    assert day == DateValue(datetime(2022, 9, 5, tzinfo=UTC), date_only=True)
    assert to_text(day) == "2022-09-05"
    moment = to_formula_value(field("dateTime"), "2022-09-05T07:00:00.000Z")
    assert isinstance(moment, DateValue)
    assert to_text(moment) == "2022-09-05T07:00:00.000Z"
    created = to_formula_value(field("createdTime"), "2021-12-30T01:55:54.000Z")
    assert isinstance(created, DateValue) and not created.date_only


def test_links_use_the_resolver_with_the_field_id() -> None:
    asked: list[tuple[str, list[str]]] = []

    def display(field_id: str, ids: list[str]) -> list[str]:
        asked.append((field_id, ids))
        return [f"name of {i}" for i in ids]

    value = to_formula_value(field("multipleRecordLinks"), ["rec1", "rec2"], display)
    assert value == ["name of rec1", "name of rec2"]
    assert to_text(value) == "name of rec1, name of rec2"
    assert asked == [("fldAAAAAAAAAAAAAA", ["rec1", "rec2"])]


def test_lookups_keep_nulls_and_follow_their_result_type() -> None:
    text_lookup = field("multipleLookupValues", result={"type": "singleLineText"})
    assert to_formula_value(text_lookup, [None]) == [None]
    date_lookup = field("multipleLookupValues", result={"type": "date"})
    days = to_formula_value(date_lookup, ["2024-01-01", None])
    assert isinstance(days, list) and isinstance(days[0], DateValue) and days[1] is None
    link_lookup = field("multipleLookupValues", result={"type": "multipleRecordLinks"})
    assert to_formula_value(link_lookup, ["recA"], lambda f, ids: ["Acme"]) == ["Acme"]
    checkbox_lookup = field("multipleLookupValues", result={"type": "checkbox"})
    assert to_formula_value(checkbox_lookup, [True, None]) == [True, None]


def test_error_and_special_values_of_computed_fields() -> None:
    number_formula = field("formula", result={"type": "number"})
    assert to_formula_value(number_formula, {"error": "#ERROR!"}) == ErrorValue("#ERROR!")
    nan = to_formula_value(number_formula, {"specialValue": "NaN"})
    assert isinstance(nan, float) and math.isnan(nan)
    assert to_formula_value(number_formula, {"specialValue": "Infinity"}) == math.inf
    rollup = field("rollup", result={"type": "currency"})
    assert to_formula_value(rollup, 3) == 3.0
    assert to_formula_value(field("formula", result={"type": "singleLineText"}), "Jane194") == (
        "Jane194"
    )
    array_formula = field("formula", result={"type": "number"})
    assert to_formula_value(array_formula, [1, 2]) == [1.0, 2.0]
