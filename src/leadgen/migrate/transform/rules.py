"""Cross-record rules of the plan: promoted batches, company names, owner names, ids.

Each rule is deterministic (same snapshot → same ids and the same choices), so a re-run
upserts the same rows and the verifier can re-derive every decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha1
from uuid import UUID

from asyncpg.pgproto.pgproto import UUID as FastUUID

LEGAL_SUFFIXES = (
    "gmbh & co. kg", "gmbh & co kg", "gmbh", "s.r.o.", "s.r.o", "sro", "b.v.", "bv", "n.v.",
    "nv", "ag", "se", "ltd", "ltd.", "limited", "a.s.", "as", "inc", "inc.", "llc", "plc",
    "oy", "ab", "sa", "s.a.", "srl", "s.p.a.", "spa", "kg", "co.", "corp", "corp.",
)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w&]+")


def uuid5_fast(namespace: UUID, name: str) -> UUID:
    """uuid.uuid5(namespace, name), the same bytes, built as asyncpg's C UUID (equal to and
    hashing like uuid.UUID): uuid.uuid5 was a third of the transform's time at 200k records."""
    digest = bytearray(sha1(namespace.bytes + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return FastUUID(bytes(digest))


def row_id(tenant_id: UUID, record_id: str) -> UUID:
    """The deterministic UUID of the row made from an Airtable record."""
    return uuid5_fast(tenant_id, record_id)


def row_ids(tenant_id: UUID) -> Callable[[str], UUID]:
    """row_id with the tenant fixed (the namespace bytes computed once)."""
    prefix = tenant_id.bytes

    def make(record_id: str) -> UUID:
        digest = bytearray(sha1(prefix + record_id.encode()).digest()[:16])
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return FastUUID(bytes(digest))

    return make


def batch_key(name: str) -> str:
    """Batch names differing only in case or spaces are one batch."""
    return _SPACES.sub("", name).casefold()


def batch_id(tenant_id: UUID, key: str) -> UUID:
    return uuid5_fast(tenant_id, "batch:" + key)


def tag_id(tenant_id: UUID, company_id: UUID, category: str, value: str) -> UUID:
    return uuid5_fast(tenant_id, f"tag:{company_id}:{category}:{value}")


def company_name_key(name: str) -> str:
    """A company name without case, accents-as-typed spacing or punctuation."""
    s = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", s)).strip()


def company_key(name: str) -> str:
    """company_name_key without a trailing legal form ("GmbH", "s.r.o.", "B.V." …)."""
    s = _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if s.endswith(" " + suffix):
                s = s[: -len(suffix) - 1].rstrip(" ,")
                changed = True
    return _SPACES.sub(" ", _PUNCT.sub(" ", s)).strip()


def person_key(name: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def message_key(text: str) -> str:
    """Legacy message text and a Messages body are the same message up to whitespace."""
    return " ".join(text.split())


@dataclass
class BatchBook:
    """Every batch_name seen, merged by key; the display name is the most common spelling."""

    tenant_id: UUID
    canonical: dict[str, str] = field(default_factory=dict)  # key → schema choice spelling
    variants: dict[str, Counter[str]] = field(default_factory=dict)
    seen: dict[str, tuple[Counter[str], UUID]] = field(default_factory=dict)  # raw name → …
    pending: list[tuple[UUID, UUID, str]] = field(default_factory=list)  # new since last take

    def prefer(self, choices: list[str]) -> None:
        for choice in choices:
            self.canonical.setdefault(batch_key(choice), _SPACES.sub(" ", choice).strip())

    def see(self, name: str) -> UUID:
        known = self.seen.get(name)
        if known is None:
            key = batch_key(name)
            counter = self.variants.get(key)
            if counter is None:
                counter = self.variants[key] = Counter()
                if key:
                    self.pending.append((batch_id(self.tenant_id, key), self.tenant_id,
                                         self.canonical.get(key, _SPACES.sub(" ", name).strip())))
            known = self.seen[name] = (counter, batch_id(self.tenant_id, key))
        known[0][name] += 1
        return known[1]

    def display_name(self, key: str) -> str:
        if key in self.canonical:
            return self.canonical[key]
        counts = Counter[str]()
        for raw, n in self.variants[key].items():
            counts[_SPACES.sub(" ", raw).strip()] += n
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def take_pending(self) -> list[tuple[UUID, UUID, str]]:
        """Batches first seen since the last call, under a provisional name (the final name,
        the most common spelling, is only known at the end)."""
        rows, self.pending = self.pending, []
        return rows

    def rows(self) -> list[tuple[UUID, UUID, str]]:
        """(id, tenant_id, name) of every batch seen, in key order."""
        return [(batch_id(self.tenant_id, key), self.tenant_id, self.display_name(key))
                for key in sorted(self.variants) if key]

    def merged_variants(self) -> dict[str, list[str]]:
        return {self.display_name(k): sorted(c) for k, c in sorted(self.variants.items())
                if len(c) > 1 or (k in self.canonical and set(c) != {self.canonical[k]})}


@dataclass
class NameIndex:
    """Normalised name → the ids that carry it (CRM event companies, legacy owner texts).

    Two tiers: the name as written (case, spacing and punctuation ignored) first; only when
    nothing matches that way, the name without its legal form. Several matches in the
    deciding tier are ambiguous: the caller reports them and never guesses.
    """

    keyers: tuple[Callable[[str], str], ...] = (company_name_key, company_key)
    tiers: list[dict[str, list[UUID]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tiers = [{} for _ in self.keyers]

    def add(self, name: str, ident: UUID) -> None:
        for keyer, index in zip(self.keyers, self.tiers, strict=True):
            key = keyer(name)
            if key:
                index.setdefault(key, []).append(ident)

    def find(self, name: str) -> list[UUID]:
        for keyer, index in zip(self.keyers, self.tiers, strict=True):
            found = index.get(keyer(name))
            if found:
                return found
        return []
