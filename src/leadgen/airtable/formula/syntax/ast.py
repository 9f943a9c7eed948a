"""The formula AST: a small, explicit node set shared by the evaluator and the SQL compiler.

Nodes carry no behaviour; meaning lives in ``evaluation`` (Python) and ``sql`` (PostgreSQL).
Every formula is one of:

    Literal(value)              'text', "text" → str;  12, 3.5 → float
                                (no boolean literal: TRUE()/FALSE() are calls)
    FieldRef(name)              {Field Name}, {fldXXXXXXXXXXXXXX} or a bare word (Price)
    Call(name, args)            FUNCTION(arg, …); name is upper-cased
    UnaryOp(op, operand)        -x  (op is always "-")
    BinaryOp(op, left, right)   op ∈ BINARY_OPERATORS; "<>" is normalised to "!="

Precedence, loosest first: comparisons < ``&`` < ``+ -`` < ``* /`` < unary ``-``; all binary
operators associate to the left: the spreadsheet order, as Airtable does not document one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

COMPARISON_OPERATORS = frozenset({"=", "!=", "<", ">", "<=", ">="})
ARITHMETIC_OPERATORS = frozenset({"+", "-", "*", "/"})
BINARY_OPERATORS = COMPARISON_OPERATORS | ARITHMETIC_OPERATORS | {"&"}


@dataclass(frozen=True)
class Literal:
    """A string or number written in the formula."""

    value: str | float


@dataclass(frozen=True)
class FieldRef:
    """A reference to a field by name or ``fld…`` id, exactly as written (braces removed)."""

    name: str


@dataclass(frozen=True)
class Call:
    """A function call; ``name`` is upper case, arity already checked by the parser."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class UnaryOp:
    """Unary minus."""

    op: str
    operand: Node


@dataclass(frozen=True)
class BinaryOp:
    """An arithmetic, concatenation (``&``) or comparison operator."""

    op: str
    left: Node
    right: Node


Node = Literal | FieldRef | Call | UnaryOp | BinaryOp


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``, left to right."""
    if isinstance(node, Call):
        return node.args
    if isinstance(node, UnaryOp):
        return (node.operand,)
    if isinstance(node, BinaryOp):
        return (node.left, node.right)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, pre-order, left to right (the order the text reads)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def field_refs(node: Node) -> set[str]:
    """The field names/ids the formula refers to, as written."""
    return {n.name for n in walk(node) if isinstance(n, FieldRef)}


def field_refs_in_order(node: Node) -> list[str]:
    """Field references in reading order, without repeats (for error messages)."""
    ordered: list[str] = []
    for n in walk(node):
        if isinstance(n, FieldRef) and n.name not in ordered:
            ordered.append(n.name)
    return ordered
