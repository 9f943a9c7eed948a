"""n8n parameter values → JavaScript expressions for ``queryReplacement``.

An n8n parameter is either a constant or, when it starts with ``=``, a template whose
``{{ … }}`` parts are JavaScript: ``"={{ $json.id }}"`` is the expression ``$json.id``;
``"=Hi {{ $json.name }}!"`` is ``'Hi ' + ($json.name) + '!'``. The converter passes every such
value as a query parameter, never as SQL text.
"""

from __future__ import annotations

import json
import re
from typing import Any

TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def to_js(value: Any) -> str:
    """The JavaScript expression a node parameter stands for."""
    if not is_expression(value):
        return json.dumps(value, ensure_ascii=False)
    body = value[1:]
    parts = TEMPLATE.split(body)
    if len(parts) == 3 and parts[0] == "" and parts[2] == "":
        return parts[1].strip()
    pieces: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part:
                pieces.append(js_string(part))
        else:
            pieces.append(f"String(({part.strip()}) ?? '')")
    return " + ".join(pieces) if pieces else "''"


def split_template(value: str) -> tuple[str, list[str]]:
    """A formula template: the text with each ``{{ e }}`` replaced by ``⟦i⟧``, and the e's."""
    exprs: list[str] = []

    def mark(match: re.Match[str]) -> str:
        exprs.append(match[1].strip())
        return f"\u27e6{len(exprs) - 1}\u27e7"

    return TEMPLATE.sub(mark, value), exprs


def replacement(expressions: list[str]) -> str:
    """``options.queryReplacement``: one expression evaluating to the parameter array."""
    return "={{ [ " + ", ".join(expressions) + " ] }}"
