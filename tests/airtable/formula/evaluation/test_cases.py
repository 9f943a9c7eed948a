"""The formula table (formula_cases.py) evaluated on records of the customer's real base schema.

Each formula runs twice: on the record keyed by field id (returnFieldsByFieldId=true, as the
snapshot stores it) and keyed by field name (the API's default).
"""

from __future__ import annotations

from typing import Any

import pytest
from formula_cases import COMPANY_CASES, CONTACT_CASES, TASK_CASES
from formula_data import COMPANY_FIELDS, CONTACT_FIELDS, NOW, TASK_FIELDS, make_record, resolve

from leadgen.airtable.formula import FUNCTIONS, Call, evaluate, parse, to_api_value, walk

LAST_MODIFIED = "2024-06-01T09:00:00.000Z"
ALL_CASES: list[tuple[str, dict[str, Any], str, Any]] = [
    *[("Contacts", CONTACT_FIELDS, f, e) for f, e in CONTACT_CASES],
    *[("Companies", COMPANY_FIELDS, f, e) for f, e in COMPANY_CASES],
    *[("Tasks", TASK_FIELDS, f, e) for f, e in TASK_CASES],
]
REC_IDS = {
    "Contacts": "recContact000001",
    "Companies": "recCompany0000001",
    "Tasks": "recTask000000001",
}


def _keyed_by_name(record: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    names = {f["id"]: f["name"] for f in table["fields"]}
    return {**record, "fields": {names[k]: v for k, v in record["fields"].items()}}


@pytest.mark.parametrize("keying", ["id", "name"])
@pytest.mark.parametrize(
    ("table_name", "fields", "formula", "expected"),
    ALL_CASES,
    ids=[f"{t}:{f}" for t, _, f, _ in ALL_CASES],
)
def test_formula_gives_airtables_result(
    tables: dict[str, dict[str, Any]],
    keying: str,
    table_name: str,
    fields: dict[str, Any],
    formula: str,
    expected: Any,
) -> None:
    table = tables[table_name]
    record = make_record(table, fields, REC_IDS[table_name])
    if keying == "name":
        record = _keyed_by_name(record, table)
    value = evaluate(
        parse(formula),
        record,
        table,
        now=NOW,
        last_modified_time=LAST_MODIFIED,
        link_display=resolve,
    )
    got = to_api_value(value)
    assert got == expected
    assert type(got) is type(expected) or isinstance(expected, float)


def test_the_table_is_large_and_calls_every_function() -> None:
    formulas = [f for _, _, f, _ in ALL_CASES]
    assert len(formulas) >= 150
    called = {n.name for f in formulas for n in walk(parse(f)) if isinstance(n, Call)}
    assert set(FUNCTIONS) - called == set()


def test_cases_are_unique_per_table() -> None:
    seen: set[tuple[str, str]] = set()
    for table_name, _, formula, _ in ALL_CASES:
        assert (table_name, formula) not in seen, formula
        seen.add((table_name, formula))
