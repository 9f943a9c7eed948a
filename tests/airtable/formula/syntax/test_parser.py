"""Parser: the AST shape, and Airtable's exact 422 messages for bad formulas."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from leadgen.airtable.formula import (
    BinaryOp,
    Call,
    FieldRef,
    FormulaError,
    Literal,
    UnaryOp,
    compile_filter,
    evaluate,
    field_refs,
    parse,
    walk,
)

SYNTAX_MESSAGE = (
    "The formula for filtering records is invalid: Invalid formula. Please check your formula text."
)


def test_precedence_puts_comparison_loosest_then_concat_then_sums_then_products() -> None:
    assert parse("1+2*3") == BinaryOp("+", Literal(1.0), BinaryOp("*", Literal(2.0), Literal(3.0)))
    assert parse("{a}&{b}={c}") == BinaryOp(
        "=", BinaryOp("&", FieldRef("a"), FieldRef("b")), FieldRef("c")
    )
    assert parse("1+2&3") == BinaryOp("&", BinaryOp("+", Literal(1.0), Literal(2.0)), Literal(3.0))
    assert parse("10-4-3") == BinaryOp(
        "-", BinaryOp("-", Literal(10.0), Literal(4.0)), Literal(3.0)
    )
    assert parse("-{x}*2") == BinaryOp("*", UnaryOp("-", FieldRef("x")), Literal(2.0))


def test_lexical_forms() -> None:
    assert parse("and(1)") == Call("AND", (Literal(1.0),))
    assert parse("1<>2") == BinaryOp("!=", Literal(1.0), Literal(2.0))
    assert parse(r"{a\}b}") == FieldRef("a}b")
    assert parse("{Field Name With Spaces}") == FieldRef("Field Name With Spaces")
    assert parse("{fldynb6JbW7fG7RBo}") == FieldRef("fldynb6JbW7fG7RBo")
    assert parse("Price * Quantity") == BinaryOp("*", FieldRef("Price"), FieldRef("Quantity"))
    assert parse(r"'a\'b'") == Literal("a'b")
    assert parse(r'"a\"b"') == Literal('a"b')
    assert parse(r"'\d+'") == Literal("\\d+")
    assert parse("TRUE( )") == Call("TRUE", ())
    assert parse("\u00a0 1 \n") == Literal(1.0)


def test_walk_and_field_refs() -> None:
    node = parse("IF({A}>1, {B}&'x', -{A})")
    kinds = [type(n).__name__ for n in walk(node)]
    assert kinds == [
        "Call",
        "BinaryOp",
        "FieldRef",
        "Literal",
        "BinaryOp",
        "FieldRef",
        "Literal",
        "UnaryOp",
        "FieldRef",
    ]
    assert field_refs(node) == {"A", "B"}
    assert field_refs(parse("RECORD_ID()")) == set()


def test_nodes_are_frozen_and_hashable() -> None:
    node = parse("{a}+1")
    assert {node, parse("{a}+1")} == {node}
    with pytest.raises(FrozenInstanceError):
        node.op = "-"  # type: ignore[misc,union-attr]


@pytest.mark.parametrize(
    "formula",
    [
        "",
        "   ",
        "AND(1,",
        "1+",
        "(1",
        "1)",
        ")",
        "'abc",
        '"abc',
        "{abc",
        "{}",
        "1 2",
        ",",
        "@",
        "1 % 2",
        "IF(1,,2)",
        "IF(1)",
        "IF(1,2,3,4)",
        "NOT()",
        "TRUE(1)",
        "1e3",
        "=1",
        "{a}{b}",
        "F(",
        "FOO(",
        "AND(1,)",
        "LAST_MODIFIED_TIME('x')",
        "1 ++ 2",
        "#ERROR!",
    ],
)
def test_syntax_errors_give_airtables_message(formula: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(formula)
    error = caught.value
    assert error.message == SYNTAX_MESSAGE
    assert error.airtable_type == "INVALID_FILTER_BY_FORMULA"
    assert error.http_status == 422
    assert error.body() == {
        "error": {"type": "INVALID_FILTER_BY_FORMULA", "message": SYNTAX_MESSAGE}
    }


@pytest.mark.parametrize(
    ("formula", "names"),
    [
        ("FOO(1)", "foo"),
        ("foo(1)&Bar(2)&FOO(3)", "foo, bar"),
        ("IF(NOPE({a}), 1, 2)", "nope"),
        ("MEDIAN(1,2)", "median"),
    ],
)
def test_unknown_functions(formula: str, names: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(formula)
    assert caught.value.message == (
        f"The formula for filtering records is invalid: Unknown function names: {names}"
    )


@pytest.mark.parametrize(
    ("formula", "names"),
    [
        ("{id}=recyaAPrk3b74OnGz", "id, recyaaprk3b74ongz"),
        ("AND({firstname}, {lastname})", "firstname, lastname"),
        ("{Full Name}='x' & {Nope} & {NOPE}", "nope"),
        ("{fldXXXXXXXXXXXXXX}", "fldxxxxxxxxxxxxxx"),
        ("LAST_MODIFIED_TIME({Gone})", "gone"),
    ],
)
def test_unknown_fields_are_refused_when_compiling(
    tables: dict[str, dict[str, Any]], formula: str, names: str
) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_filter(formula, tables["Contacts"])
    assert caught.value.message == (
        f"The formula for filtering records is invalid: Unknown field names: {names}"
    )
    assert caught.value.http_status == 422


def test_known_fields_by_name_id_or_case(tables: dict[str, dict[str, Any]]) -> None:
    contacts = tables["Contacts"]
    for formula in ("{Full Name}", "{full name}", "{fldGLgrshHFPPkTLM}", "batch_name"):
        compile_filter(formula, contacts)


def test_syntax_error_wins_over_unknown_names(tables: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_filter("FOO({nope}", tables["Contacts"])
    assert caught.value.message == SYNTAX_MESSAGE


def test_evaluate_refuses_an_unknown_field(tables: dict[str, dict[str, Any]]) -> None:
    record = {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "fields": {}}
    with pytest.raises(FormulaError):
        evaluate(parse("{nope}"), record, tables["Contacts"])


def test_long_chains_parse_and_evaluate(tables: dict[str, dict[str, Any]]) -> None:
    record = {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "fields": {}}
    total = "+".join(["1"] * 5000)
    assert evaluate(parse(total), record, tables["Contacts"]) == 5000
    joined = "&".join(["'a'"] * 3000)
    assert evaluate(parse(joined), record, tables["Contacts"]) == "a" * 3000
    ids = ",".join(f"RECORD_ID()='rec{i:014d}'" for i in range(300))
    assert evaluate(parse(f"OR({ids},RECORD_ID()='rec1')"), record, tables["Contacts"]) is True


def test_absurd_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("(" * 5000 + "1" + ")" * 5000)
    assert caught.value.message == SYNTAX_MESSAGE
