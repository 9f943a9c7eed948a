"""The mess real bases accumulate, generated on purpose so the migration meets it in tests.

Rates live here as named constants; the generator's report (README of this package and the
helper's hand-over) quotes them, and tests assert each feature appears.
"""

from __future__ import annotations

import json

from leadgen.airtable.generate.context import Dice
from leadgen.airtable.generate.ids import IdFactory

DOMAIN_AS_URL_RATE = 0.12  # Companies.Domain written as a URL / with www / upper case
QUICK_WINS_BROKEN_RATE = 0.15  # of filled Quick Wins cells: JSON-ish but not valid JSON
LONG_TEXT_RATE = 0.02  # research_data / Company Intel cells over 10,000 characters
DUPLICATE_COMPANY_NAME_RATE = 0.02  # companies reusing an earlier company's exact name
TWO_BATCH_CONTACT_RATE = 0.05  # Contacts.batch_name with two choices
FORMULA_ERROR_RATES: dict[str, list[tuple[float, dict[str, str]]]] = {
    # field name → [(rate, error value)]: injected after computing the real value.
    "Days Since Created": [(0.015, {"error": "#ERROR!"}), (0.02, {"specialValue": "NaN"})],
    "Label": [(0.01, {"error": "#ERROR!"})],
}
LEGAL_SUFFIXES = ["GmbH", "s.r.o.", "B.V.", "AG", "Ltd", "a.s.", "GmbH & Co. KG"]


def domain_as_written(dice: Dice, domain: str) -> str:
    """How a person typed the domain: mostly bare, sometimes a URL or shouting."""
    if not dice.chance(DOMAIN_AS_URL_RATE):
        return domain
    return dice.pick(
        [
            f"https://www.{domain}/",
            f"http://{domain}",
            f"https://{domain}/en/",
            f"www.{domain}",
            domain.upper(),
            f" {domain} ",
        ]
    )


def quick_wins(dice: Dice, themes: list[str]) -> str:
    """The AI's 'JSON' list of quick wins; a share is broken the ways LLM output breaks."""
    items = [
        {
            "title": t,
            "effort": dice.pick(["low", "medium", "high"]),
            "impact": dice.pick(["low", "medium", "high"]),
            "weeks": dice.rng.randint(1, 12),
        }
        for t in themes
    ]
    text = json.dumps(items, ensure_ascii=False, indent=dice.pick([None, 2]))
    if not dice.chance(QUICK_WINS_BROKEN_RATE):
        return text
    how = dice.rng.randrange(5)
    if how == 0:
        return text[: max(5, len(text) * 2 // 3)]  # truncated by a token limit
    if how == 1:
        return text.replace('"', "'")  # Python repr instead of JSON
    if how == 2:
        return text.rstrip("]").rstrip() + ",\n]"  # trailing comma
    if how == 3:
        return f"```json\n{text}\n```"  # markdown fence around it
    return "Here are the quick wins:\n" + text  # chatty preamble


def company_as_typed(dice: Dice, name: str) -> str:
    """A company name as someone typed it into CRM Events.Company (only roughly matching)."""
    roll = dice.rng.random()
    if roll < 0.45:
        return name
    if roll < 0.6:
        return name.lower() if dice.chance(0.6) else name.upper()
    if roll < 0.8:
        base = name
        for suffix in LEGAL_SUFFIXES:
            if base.endswith(" " + suffix):
                return base[: -len(suffix) - 1]  # suffix dropped
        return f"{base} {dice.pick(LEGAL_SUFFIXES)}"  # suffix added
    return "  " + name.replace(" ", "  ", 1) + " "  # stray spaces


def batch_label_variant(dice: Dice, batch: str) -> str:
    """A batch name as typed in free text: case and spaces drift ('Batch-2', ' batch-2 ')."""
    return dice.pick([batch, batch.capitalize(), f" {batch} ", batch.upper(), f"{batch} "])


def attachment(dice: Dice, ids: IdFactory, filename: str, expires_ms: int) -> dict[str, object]:
    """One attachment object with an expiring-looking airtableusercontent URL."""

    def url() -> str:
        return (
            f"https://v5.airtableusercontent.com/v3/u/{dice.rng.randrange(20, 40)}/"
            f"{dice.rng.randrange(20, 40)}/{expires_ms}/{ids.token(22)}/{ids.token(43)}"
        )

    if filename.endswith(".pdf"):
        return {
            "id": ids.new("att"),
            "url": url(),
            "filename": filename,
            "size": dice.rng.randrange(40_000, 2_000_000),
            "type": "application/pdf",
        }
    width = dice.pick([200, 400, 512, 800])
    height = width if dice.chance(0.7) else int(width * 1.25)
    return {
        "id": ids.new("att"),
        "url": url(),
        "filename": filename,
        "size": dice.rng.randrange(8_000, 400_000),
        "type": "image/jpeg" if filename.endswith(".jpg") else "image/png",
        "width": width,
        "height": height,
        "thumbnails": {
            "small": {"url": url(), "width": 36 * width // height, "height": 36},
            "large": {"url": url(), "width": min(width, 512), "height": min(height, 512)},
            "full": {"url": url(), "width": 3000, "height": 3000},
        },
    }
