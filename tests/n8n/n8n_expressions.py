"""A tiny evaluator for the n8n expressions our queries and the converter emit (test support).

Covers what `={{ … }}` parameters in the library and in converted workflows use: `$json.a.b`,
`$json['a b']`, `$('Node').item.json.x`, `$('Node').first().json.x`, `$execution.id`,
string/number/null/true/false literals, `{}`, array literals, `??`, `+` (JavaScript string
concatenation), parentheses, `JSON.stringify(x)` and `String(x)`. Anything else raises, so a
test never silently evaluates an expression it does not understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<name>\$?[A-Za-z_][A-Za-z0-9_]*|\$)|(?P<op>\?\?|[.\[\](),+{}:]))"
)


class _Undefined:
    """JavaScript's undefined (a missing property), distinct from null."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


def _nullish(value: Any) -> bool:
    return value is None or value is UNDEFINED


def _plain(value: Any) -> Any:
    """A value as JSON.stringify sees it: undefined keys dropped, undefined in arrays null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [None if v is UNDEFINED else _plain(v) for v in value]
    return value


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"cannot read expression at {text[pos:]!r}")
        kind = match.lastgroup
        assert kind is not None
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def js_string(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


class _Parser:
    def __init__(self, text: str, scope: Mapping[str, Any]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.scope = scope

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise ValueError("unexpected end of expression")
        tok = self.toks[self.i]
        if expected is not None and tok[1] != expected:
            raise ValueError(f"expected {expected!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        value = self.coalesce()
        if self.i != len(self.toks):
            raise ValueError(f"unexpected {self.peek()!r}")
        return value

    def coalesce(self) -> Any:
        value = self.additive()
        while self.peek() == "??":
            self.take()
            right = self.additive()
            value = right if _nullish(value) else value
        return value

    def additive(self) -> Any:
        value = self.postfix()
        while self.peek() == "+":
            self.take()
            right = self.postfix()
            if isinstance(value, str) or isinstance(right, str):
                value = js_string(value) + js_string(right)
            else:
                value = value + right
        return value

    def args(self, close: str) -> list[Any]:
        items: list[Any] = []
        while self.peek() != close:
            items.append(self.coalesce())
            if self.peek() == ",":
                self.take()
        self.take(close)
        return items

    def postfix(self) -> Any:
        value = self.primary()
        while self.peek() in (".", "[", "("):
            tok = self.take()[1]
            if tok == ".":
                value = _member(value, self.take()[1])
            elif tok == "[":
                key = self.coalesce()
                self.take("]")
                value = _member(value, key)
            else:
                if not callable(value):
                    raise ValueError("call of a non-function")
                value = value(*self.args(")"))
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return json.loads('"' + text[1:-1].replace('\\"', '"').replace('"', '\\"') + '"')
        if text == "(":
            value = self.coalesce()
            self.take(")")
            return value
        if text == "[":
            return self.args("]")
        if text == "{":
            obj: dict[str, Any] = {}
            while self.peek() != "}":
                kind, key = self.take()
                name = json.loads('"' + key[1:-1] + '"') if kind == "str" else key
                self.take(":")
                obj[name] = self.coalesce()
                if self.peek() == ",":
                    self.take()
            self.take("}")
            return obj
        if text == "null":
            return None
        if text == "undefined":
            return UNDEFINED
        if text in ("true", "false"):
            return text == "true"
        if text in self.scope:
            return self.scope[text]
        raise ValueError(f"unknown name {text!r}")


def _member(value: Any, key: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get(key, UNDEFINED)
    if isinstance(value, list) and isinstance(key, int):
        return value[key] if key < len(value) else UNDEFINED
    if _nullish(value):
        raise ValueError(f"cannot read {key!r} of null")
    raise ValueError(f"cannot read {key!r} of {type(value).__name__}")


def evaluate(expression: str, item: Mapping[str, Any],
             nodes: Mapping[str, Mapping[str, Any]] | None = None,
             execution_id: str = "1", env: Mapping[str, str] | None = None) -> Any:
    """The value of an n8n expression (without `={{ }}`) for one input item."""
    nodes = nodes or {}

    def node(name: str) -> dict[str, Any]:
        if name not in nodes:
            raise ValueError(f"no sample output for node {name!r}")
        data = dict(nodes[name])
        return {"item": {"json": data}, "first": lambda: {"json": data},
                "last": lambda: {"json": data}}

    scope: dict[str, Any] = {
        "$json": dict(item),
        "$execution": {"id": execution_id},
        "$env": dict(env or {}),
        "$": node,
        "JSON": {"stringify": lambda v: UNDEFINED if v is UNDEFINED
                 else json.dumps(_plain(v), separators=(",", ":"))},
        "String": js_string,
    }
    return _Parser(expression, scope).parse()


def evaluate_parameter(parameter: str, item: Mapping[str, Any],
                       nodes: Mapping[str, Mapping[str, Any]] | None = None,
                       env: Mapping[str, str] | None = None) -> Any:
    """A node parameter as n8n resolves it: `={{ expr }}` evaluated, anything else as text."""
    if parameter.startswith("={{") and parameter.rstrip().endswith("}}"):
        value = evaluate(parameter.strip()[3:-2], item, nodes, env=env)
        # the parameter array goes to pg-promise, which formats undefined as null
        return [None if v is UNDEFINED else v for v in value] if isinstance(value, list) \
            else value
    raise ValueError(f"not a single-expression parameter: {parameter!r}")




def render_template(template: str, item: Mapping[str, Any],
                    nodes: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A `=text {{ expr }} text` parameter rendered to text, as n8n renders a formula."""
    body = template[1:] if template.startswith("=") else template
    return re.sub(r"\{\{(.*?)\}\}", lambda m: js_string(evaluate(m[1], item, nodes)), body)


Evaluator = Callable[[str, Mapping[str, Any]], Any]
