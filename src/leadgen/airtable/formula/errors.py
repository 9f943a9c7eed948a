"""`FormulaError`: an invalid filterByFormula, worded as Airtable's 422 bodies word it.

Airtable answers an invalid formula with one error for the whole request (never a per-record
exclusion):

    422 {"error": {"type": "INVALID_FILTER_BY_FORMULA",
                   "message": "The formula for filtering records is invalid: <detail>"}}

The details reproduced here (error types: https://airtable.com/developers/web/api/errors):

* syntax error        ``Invalid formula. Please check your formula text.``
* unknown field(s)    ``Unknown field names: a, b``  (lower-cased, in order of appearance)
* unknown function(s) ``Unknown function names: foo`` (same shape as fields; Airtable does not
  document this wording, so it follows the one a third-party Airtable fake uses)

Errors *inside* an evaluation (``1/0``, ``ERROR()``) are values, not exceptions: see
``values.ErrorValue``.
"""

from __future__ import annotations

from collections.abc import Iterable

from leadgen.errors import LeadgenError

INVALID_FILTER_BY_FORMULA = "INVALID_FILTER_BY_FORMULA"
MESSAGE_PREFIX = "The formula for filtering records is invalid: "
SYNTAX_DETAIL = "Invalid formula. Please check your formula text."


class FormulaError(LeadgenError):
    """A formula Airtable would refuse with 422 INVALID_FILTER_BY_FORMULA."""

    http_status = 422
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        airtable_type: str = INVALID_FILTER_BY_FORMULA,
        position: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.airtable_type = airtable_type
        # Where the parser gave up; not part of Airtable's message, kept for people debugging.
        self.position = position

    def body(self) -> dict[str, dict[str, str]]:
        """The JSON body Airtable sends with this error."""
        return {"error": {"type": self.airtable_type, "message": self.message}}

    @classmethod
    def syntax(cls, position: int | None = None, why: str | None = None) -> FormulaError:
        return cls(MESSAGE_PREFIX + SYNTAX_DETAIL, position=position, hint=why)

    @classmethod
    def unknown_fields(cls, names: Iterable[str]) -> FormulaError:
        return cls(MESSAGE_PREFIX + "Unknown field names: " + _listed(names))

    @classmethod
    def unknown_functions(cls, names: Iterable[str]) -> FormulaError:
        return cls(MESSAGE_PREFIX + "Unknown function names: " + _listed(names))


def _listed(names: Iterable[str]) -> str:
    seen: list[str] = []
    for name in names:
        lowered = name.lower()
        if lowered not in seen:
            seen.append(lowered)
    return ", ".join(seen)
