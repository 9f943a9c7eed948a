"""Free-text and identity values: people, company names, e-mails, phones, paragraphs."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from leadgen.airtable.generate.context import Dice
from leadgen.airtable.generate.words import names, phrases

_FOLD = str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "æ": "ae", "đ": "d", "'": ""})


@lru_cache(maxsize=4096)
def ascii_slug(text: str, sep: str = "-") -> str:
    """'Dvořák & Söhne' → 'dvorak-sohne' (for e-mails, domains, URLs)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " -.")).lower()
    return sep.join(plain.replace("-", " ").replace(".", " ").split())


def person(dice: Dice, language: str) -> tuple[str, str]:
    """(first, last) in the language's naming conventions; the odd CJK name anywhere."""
    if dice.chance(0.004):
        full = dice.pick(names.CJK_PEOPLE)
        first, _, last = full.partition(" ")
        return first, last
    first, gender = dice.pick(names.FIRST_NAMES[language])
    if language == "Czech":
        male, female = dice.pick(names.LAST_NAMES_CZ)
        return first, female if gender == "f" else male
    return first, dice.pick(names.LAST_NAMES[language])


def company_name(dice: Dice, language: str) -> tuple[str, str, str]:
    """(name without legal form, legal form, domain stem)."""
    prefixes, cores, suffixes = names.COMPANY_PARTS[language]
    head = f"{dice.pick(prefixes)} {dice.pick(cores)}"
    return head, dice.pick(suffixes), ascii_slug(head)


def email(first: str, last: str, domain: str, dice: Dice) -> str:
    local_first, local_last = ascii_slug(first, "."), ascii_slug(last, "")
    if not local_first:  # CJK names have no ASCII fold
        return f"contact{dice.rng.randrange(1000, 9999)}@{domain}"
    style = dice.rng.random()
    if style < 0.6:
        return f"{local_first}.{local_last}@{domain}"
    if style < 0.8:
        return f"{local_first[0]}.{local_last}@{domain}"
    if style < 0.95:
        return f"{local_first}@{domain}"
    return f"{first[0].upper()}{local_last.capitalize()}@{domain.upper()}"


def phone(prefix: str, dice: Dice) -> str:
    digits = "".join(str(dice.rng.randrange(10)) for _ in range(9))
    style = dice.rng.random()
    if style < 0.5:
        return f"{prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style < 0.8:
        return f"{prefix}{digits}"
    return f"00{prefix[1:]} ({digits[:2]}) {digits[2:]}"


def linkedin_url(first: str, last: str, dice: Dice) -> str:
    handle = ascii_slug(f"{first} {last}") or f"member-{dice.rng.randrange(10**6)}"
    suffix = format(dice.rng.randrange(16**6), "x")
    style = dice.rng.random()
    if style < 0.75:
        return f"https://www.linkedin.com/in/{handle}-{suffix}/"
    if style < 0.9:
        return f"https://linkedin.com/in/{handle}"
    return f"www.linkedin.com/in/{handle}-{suffix}"


def paragraph(dice: Dice, pool: list[str], lo: int, hi: int) -> str:
    parts = dice.distinct(pool, dice.upto(lo, hi))
    sep = "\n" if dice.chance(0.3) else " "
    text = sep.join(("- " + p) if sep == "\n" else p for p in parts)
    if dice.chance(0.04):
        text += " " + dice.pick(phrases.EMOJI)
    return text


def long_text(dice: Dice, company: str, min_chars: int = 10_500) -> str:
    """A research dump as the AI tools produce them: many sections, well over 10,000 chars."""
    sections: list[str] = [f"# Research dump: {company}"]
    size = len(sections[0])
    n = 0
    while size < min_chars:
        n += 1
        body = " ".join(dice.rng.choices(phrases.RESEARCH, k=8))
        section = f"\n\n## Section {n}\n{body}"
        sections.append(section)
        size += len(section)
    return "".join(sections)


def message(dice: Dice, language: str, first: str, company: str, signature: str) -> str:
    greeting = dice.pick(phrases.GREETING[language]).replace("{first}", first)
    pool = phrases.MESSAGE_BODY[language]
    body = " ".join(dice.distinct(pool, dice.upto(2, 4))).replace("{company}", company)
    text = f"{greeting}\n\n{body}\n\n{dice.pick(phrases.SIGN_OFF[language])}"
    if signature:
        text += f",\n{signature}"
    if dice.chance(0.12):
        text += " " + dice.pick(phrases.EMOJI)
    return text


def subject(dice: Dice, language: str, company: str) -> str:
    return dice.pick(phrases.SUBJECTS[language]).replace("{company}", company)
