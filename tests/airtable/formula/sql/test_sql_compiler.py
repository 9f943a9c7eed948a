"""The formula → SQL compiler: what it refuses (by construct), parameters, and the command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from leadgen.airtable.formula import FormulaError
from leadgen.airtable.formula.sql import UnsupportedFormula, compile_condition, select_statement
from leadgen.cli import app

UNSUPPORTED = [
    # (table, formula, the construct the error must name)
    ("Companies", "DATETIME_FORMAT(CREATED_TIME(), 'YYYY') = '2024'", "DATETIME_FORMAT()"),
    ("Contacts", "REGEX_MATCH({Full Name}, '^A')", "REGEX_MATCH()"),
    ("Contacts", "SWITCH({Seniority Level}, 'VP', 1, 0)", "SWITCH()"),
    ("Companies", "{Pain Areas} & 'x' = 'x'", "&"),
    ("Companies", "{Pain Areas} = 'Ops, Cost'", "= on a multi-select/multi-link"),
    ("Companies", "FIND('a', {Pain Areas}, 2)", "FIND in a multi-select/multi-link"),
    ("Companies", "FIND('a', {Pain Areas}) = 1", "FIND/SEARCH in a multi-select/multi-link"),
    ("Companies", "FIND('a, b', ARRAYJOIN({Pain Areas}))", "FIND in a multi-select/multi-link"),
    ("Companies", "IF({Tier}, 'x', 1)", "IF"),
    ("Contacts", "{Created} + 1 > 0", "+"),
    ("Companies", "{Account Owner} = 'Anton'", "field {Account Owner}"),
    ("Companies", "{Contacts} = ''", "field {Contacts}"),
    ("Companies", "{Domain} = 'acme.com'", "field {Domain}"),
    ("Companies", "{Contact Count} > 2", "field {Contact Count}"),
    ("CRM Events", "{Participants} = 'Jana'", "field {Participants}"),
    ("Activity", "IS_AFTER(LAST_MODIFIED_TIME(), '2024-01-01')", "LAST_MODIFIED_TIME()"),
    ("Contacts", "IS_AFTER({Created}, {Full Name})", "IS_AFTER on text"),
]


@pytest.mark.parametrize("table,formula,construct", UNSUPPORTED)
def test_unsupported_constructs_are_named(table: str, formula: str, construct: str) -> None:
    with pytest.raises(UnsupportedFormula) as caught:
        compile_condition(formula, table)
    assert caught.value.construct == construct
    assert construct.split()[0].strip("{}()") in caught.value.message


def test_invalid_formulas_are_formula_errors_like_airtables() -> None:
    with pytest.raises(FormulaError, match="Unknown field names: nope"):
        compile_condition("{Nope} = 1", "Contacts")
    with pytest.raises(FormulaError, match="Invalid formula"):
        compile_condition("AND({Full Name} = 'a'", "Contacts")
    with pytest.raises(FormulaError, match="unknown table"):
        compile_condition("1", "Nowhere")


def test_user_text_is_always_a_parameter() -> None:
    sql, params = select_statement(
        "OR({Full Name} = 'O''Brien; DROP TABLE contacts', FIND(\"x'--\", {Job Title}) > 0)"
        .replace("''", "\\'"), "Contacts")
    assert "DROP" not in sql and "x'--" not in sql and "Brien" not in sql
    assert params[0] is None
    assert "O'Brien; DROP TABLE contacts" in params and "x'--" in params
    assert sql.startswith('SELECT t.airtable_record_id FROM "contacts" t WHERE t.tenant_id = $1')


def test_every_parameter_is_used_and_typed() -> None:
    import re
    compiled = compile_condition("IF(FIND('q', {Pain Areas}) > 0, {Triage Score}, 3) >= 2",
                                 "Companies")
    numbers = sorted({int(n) for n in re.findall(r"\$(\d+)::", compiled.condition)})
    assert numbers == list(range(2, 2 + len(compiled.params)))


def test_formula_sql_command_prints_json() -> None:
    out = CliRunner().invoke(app, ["formula", "sql", "--table", "Contacts",
                                   "AND({Owner} = 'Michal', NOT({processed_enrich}))"])
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert doc["params"][0] is None and "Michal" in doc["params"]
    assert "Michal" not in doc["sql"]


def test_formula_sql_command_refuses_with_exit_code() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "leadgen", "formula", "sql", "--table", "Contacts",
         "REGEX_MATCH({Full Name}, 'a')"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "cannot translate REGEX_MATCH()" in out.stderr
