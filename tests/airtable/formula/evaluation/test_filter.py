"""compile_filter: Airtable's truthiness decides which records a filterByFormula keeps."""

from __future__ import annotations

from typing import Any

import pytest
from formula_data import CONTACT_FIELDS, NOW, make_record, resolve

from leadgen.airtable.formula import compile_filter

PLAN_FILTER = (
    "AND(FIND('batch-2',ARRAYJOIN({batch_name})), NOT({processed_enrich}), {Owner}='Michal')"
)


def _contacts(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Four contacts: only the first is batch-2, unprocessed and Michal's."""
    variants = [
        {},
        {"batch_name": ["batch-1"]},
        {"processed_enrich": True},
        {"Owner": ["recOwner00000002"]},
    ]
    return [
        make_record(table, {**CONTACT_FIELDS, **change}, f"recContact00000{i:02d}")
        for i, change in enumerate(variants)
    ]


def test_the_plans_enrichment_filter_keeps_only_matching_contacts(
    tables: dict[str, dict[str, Any]],
) -> None:
    contacts = tables["Contacts"]
    keep = compile_filter(PLAN_FILTER, contacts, link_display=resolve)
    kept = [r["id"] for r in _contacts(contacts) if keep(r, now=NOW)]
    assert kept == ["recContact0000000"]


def test_links_need_the_resolver_to_match_primary_values(
    tables: dict[str, dict[str, Any]],
) -> None:
    contacts = tables["Contacts"]
    record = _contacts(contacts)[0]
    by_name = compile_filter("{Owner}='Michal'", contacts)
    by_id = compile_filter("{Owner}='recOwner00000001'", contacts)
    assert not by_name(record)
    assert by_name(record, link_display=resolve)
    assert by_id(record)
    assert not by_id(record, link_display=resolve)


@pytest.mark.parametrize(
    ("formula", "kept"),
    [
        ("0", False),
        ("FALSE()", False),
        ("''", False),
        ("0/0", False),
        ("ERROR()", False),
        ("BLANK()", False),
        ("ARRAYCOMPACT({Notes})", False),
        ("{Notes}", False),
        ("{processed_enrich}", False),
        ("1", True),
        ("'0'", True),
        ("1/0", True),
        ("-1", True),
        ("{batch_name}", True),
        ("{AI Champion}", True),
        ("TODAY()", True),
        ("{Full Name}", True),
        ("", True),
    ],
)
def test_truthiness_of_the_result(
    tables: dict[str, dict[str, Any]], formula: str, kept: bool
) -> None:
    contacts = tables["Contacts"]
    record = _contacts(contacts)[0]
    assert compile_filter(formula, contacts)(record, now=NOW) is kept


def test_last_modified_time_comes_from_the_caller_or_created_time(
    tables: dict[str, dict[str, Any]],
) -> None:
    contacts = tables["Contacts"]
    record = _contacts(contacts)[0]
    recent = compile_filter(
        "IS_AFTER(LAST_MODIFIED_TIME(), DATETIME_PARSE('2024-05-31T00:00:00.000Z'))", contacts
    )
    assert not recent(record)
    assert recent(record, last_modified_time="2024-06-01T09:00:00.000Z")


def test_record_id_filters(tables: dict[str, dict[str, Any]]) -> None:
    contacts = tables["Contacts"]
    records = _contacts(contacts)
    ids = [r["id"] for r in records]
    wanted = compile_filter(f"OR(RECORD_ID()='{ids[1]}',RECORD_ID()='{ids[3]}')", contacts)
    assert [r["id"] for r in records if wanted(r)] == [ids[1], ids[3]]


def test_today_follows_the_clock_passed_in(tables: dict[str, dict[str, Any]]) -> None:
    tasks = tables["Tasks"]
    record = make_record(tasks, {"Task Name": "x", "Scheduled": "2024-06-10"}, "recTask000000001")
    overdue = compile_filter("IS_BEFORE({Scheduled}, TODAY())", tasks)
    assert overdue(record, now=NOW)
    assert not overdue(record, now=NOW.replace(month=6, day=1))


def test_formulas_built_by_pyairtable_filter_as_on_airtable(
    tables: dict[str, dict[str, Any]],
) -> None:
    from pyairtable.formulas import match

    contacts = tables["Contacts"]
    records = _contacts(contacts)
    formula = str(match({"Seniority Level": "VP", "processed_enrich": True, "Authority Score": 7}))
    assert formula == "AND({Seniority Level}='VP', {processed_enrich}=TRUE(), {Authority Score}=7)"
    keep = compile_filter(formula, contacts)
    assert [r["id"] for r in records if keep(r)] == [records[2]["id"]]


def test_formula_error_is_a_leadgen_error_mapped_to_422() -> None:
    from leadgen.airtable.formula import FormulaError
    from leadgen.errors import LeadgenError

    assert issubclass(FormulaError, LeadgenError)
    assert FormulaError.http_status == 422
