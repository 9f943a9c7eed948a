"""Recursive-descent parser: formula text → AST (``ast.py``), or FormulaError.

Grammar (loosest binding first; every binary level is left-associative)::

    formula    := comparison END
    comparison := concat (("=" | "!=" | "<" | ">" | "<=" | ">=") concat)*
    concat     := additive ("&" additive)*
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | FIELD | WORD "(" args? ")" | WORD | "(" comparison ")"

A bare WORD not followed by "(" is a field name (``Price * Quantity``), as in Airtable. Function
names are case-insensitive. All unknown function names are reported together, after the whole
text parsed, so a syntax error wins over an unknown name — as a full parse would order them.
"""

from __future__ import annotations

from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.syntax.ast import BinaryOp, Call, FieldRef, Literal, Node, UnaryOp
from leadgen.airtable.formula.syntax.catalog import FUNCTIONS, arity_ok
from leadgen.airtable.formula.syntax.lexer import Token, tokenize

_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"=", "!=", "<", ">", "<=", ">="}),
    frozenset({"&"}),
    frozenset({"+", "-"}),
    frozenset({"*", "/"}),
)


def parse(text: str) -> Node:
    """Parse one formula. Raises FormulaError with Airtable's 422 message when invalid."""
    parser = _Parser(tokenize(text))
    try:
        node = parser.binary(0)
    except RecursionError:
        raise FormulaError.syntax(None, "formula nested too deeply") from None
    parser.expect("end")
    if parser.unknown:
        raise FormulaError.unknown_functions(parser.unknown)
    if parser.bad_arity:
        first = parser.bad_arity[0]
        raise FormulaError.syntax(first.position, f"wrong arguments to {first.text}")
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.unknown: list[str] = []
        self.bad_arity: list[Token] = []

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def expect(self, kind: str) -> Token:
        if self.current.kind != kind:
            raise FormulaError.syntax(self.current.position, f"expected {kind}")
        return self.advance()

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.current.kind == "op" and self.current.text in _LEVELS[level]:
            op = self.advance().text
            node = BinaryOp(op, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.current.kind == "op" and self.current.text == "-":
            self.advance()
            return UnaryOp("-", self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "field":
            return FieldRef(token.text)
        if token.kind == "word":
            if self.current.kind == "(":
                return self.call(token)
            return FieldRef(token.text)
        if token.kind == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        raise FormulaError.syntax(token.position, f"unexpected {token.text or 'end of formula'}")

    def call(self, name_token: Token) -> Call:
        self.expect("(")
        args: list[Node] = []
        if self.current.kind != ")":
            args.append(self.binary(0))
            while self.current.kind == ",":
                self.advance()
                args.append(self.binary(0))
        self.expect(")")
        name = name_token.text.upper()
        if name not in FUNCTIONS:
            self.unknown.append(name_token.text)
        elif not arity_ok(name, len(args)) or (
            # LAST_MODIFIED_TIME({a}, {b}) names fields; anything else there is invalid.
            name == "LAST_MODIFIED_TIME" and not all(isinstance(a, FieldRef) for a in args)
        ):
            self.bad_arity.append(name_token)
        return Call(name, tuple(args))
