"""The base's formula fields, evaluated the way Airtable does for the values we generate.

Keyed by the formula text in the schema: the generator refuses a schema whose formulas it
cannot compute instead of inventing values. `{Name}` references read the record's cells the
way a formula sees them (links → the linked records' primary values joined with ", ").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leadgen.airtable.generate.clock import DAY, parse_iso
from leadgen.errors import SchemaError

Record = dict[str, Any]


@dataclass
class FormulaEnv:
    """One record as a formula sees it."""

    record: Record
    field_ids: dict[str, str]  # field name → id in the record's table
    display: Callable[[str, Any], str]  # (field id, cell) → formula string value
    now: int

    def cell(self, name: str) -> Any:
        return self.record["fields"].get(self.field_ids[name])

    def text(self, name: str) -> str:
        value = self.cell(name)
        return "" if value is None else self.display(self.field_ids[name], value)


def _days_since_created(env: FormulaEnv) -> Any:
    return (env.now - parse_iso(env.record["createdTime"])) // DAY


def _has_l2(env: FormulaEnv) -> Any:
    return 1 if env.cell("Company Intel") else 0


def _message_label(env: FormulaEnv) -> Any:
    return f"{env.text('Contact')} - {env.text('Channel')} #{env.text('Sequence Step')}"


FORMULAS: dict[str, Callable[[FormulaEnv], Any]] = {
    "DATETIME_DIFF(NOW(), CREATED_TIME(), 'days')": _days_since_created,
    "IF({Company Intel}, 1, 0)": _has_l2,
    "CONCATENATE({Contact}, ' - ', {Channel}, ' #', {Sequence Step})": _message_label,
}


def formula_for(text: str, field_name: str) -> Callable[[FormulaEnv], Any]:
    try:
        return FORMULAS[text]
    except KeyError:
        raise SchemaError(
            f"the generator cannot compute formula field {field_name!r}: {text}",
            hint="add its evaluation to leadgen/airtable/generate/formulas.py",
        ) from None
