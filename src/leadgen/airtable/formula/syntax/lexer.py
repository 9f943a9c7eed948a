"""Tokenizer for Airtable formulas (https://support.airtable.com/docs/formula-field-reference).

Tokens: numbers (``12``, ``3.5``, ``.5``), strings in ``'…'`` or ``"…"`` with backslash escapes,
``{field names}`` (``\\}`` escapes a closing brace), bare words (function names or field names),
operators and punctuation. Whitespace — including newlines and non-breaking spaces — separates
tokens and is otherwise ignored. Airtable formulas have no comments.

String escapes: a backslash before a quote or a backslash gives that character; ``\\n``,
``\\t`` and ``\\r`` give newline, tab and carriage return; any other backslash is kept, so a
regular expression such as ``"^\\d+$"`` reaches REGEX_MATCH unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Kind

from leadgen.airtable.formula.errors import FormulaError

TokenKind = Kind["number", "string", "field", "word", "op", "(", ")", ",", "end"]

# Longest first, so "<=" wins over "<".
_OPERATORS = ("<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "&")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token; raise FormulaError on junk."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "'\"":
            value, i_next = _string(text, i)
            tokens.append(Token("string", value, i))
            i = i_next
        elif c == "{":
            name, i_next = _field(text, i)
            tokens.append(Token("field", name, i))
            i = i_next
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and text[j].isdigit():
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and text[j].isdigit():
                    j += 1
            if j < n and (text[j].isalpha() or text[j] == "_"):
                raise FormulaError.syntax(j, "a number runs into a word")
            tokens.append(Token("number", text[i:j], i))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("word", text[i:j], i))
            i = j
        elif c in "(),":
            tokens.append(Token(c, c, i))  # type: ignore[arg-type]
            i += 1
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise FormulaError.syntax(i, f"unexpected character {c!r}")
            tokens.append(Token("op", "!=" if op == "<>" else op, i))
            i += len(op)
    tokens.append(Token("end", "", n))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            elif nxt in "'\"\\":
                out.append(nxt)
            else:
                # Keep unknown escapes: REGEX_MATCH({Phone}, "^\d+$") must see \d.
                out.append("\\" + nxt)
            i += 2
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise FormulaError.syntax(start, "unterminated string")


def _field(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and text.startswith("\\}", i):
            out.append("}")
            i += 2
        elif c == "}":
            name = "".join(out)
            if not name.strip():
                raise FormulaError.syntax(start, "empty field name")
            return name, i + 1
        elif c == "{":
            raise FormulaError.syntax(i, "'{' inside a field name")
        else:
            out.append(c)
            i += 1
    raise FormulaError.syntax(start, "unterminated field name")
