"""What one table's builder tells the next: the companies, contacts and owners made so far.

Rows are keyed by field *name* until `finalize` turns them into the snapshot's ID-keyed form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadgen.airtable.generate.context import Row

BATCH_ORDER = ["pilot", "batch-1", "batch-2", "batch-3", "batch-4 DACH"]
# Each batch ran in its own slice of the timeline (fractions 0..1).
BATCH_WINDOWS: dict[str, tuple[float, float]] = {
    "pilot": (0.0, 0.08),
    "batch-1": (0.08, 0.3),
    "batch-2": (0.3, 0.5),
    "batch-3": (0.5, 0.7),
    "batch-4 DACH": (0.7, 0.9),
}
BATCH_WEIGHTS = [0.05, 0.2, 0.25, 0.25, 0.2]
# Contacts created before this point of the timeline predate the Messages table and carry
# their outreach text in the 12 legacy fields.
MESSAGES_TABLE_INTRODUCED = 0.45


@dataclass
class Owner:
    row: Row
    name: str
    language: str
    signature: str
    sells: bool  # gets companies, contacts and messages assigned


@dataclass
class Company:
    row: Row
    name: str
    domain: str
    language: str
    country: str
    batch: str | None
    owner: Owner | None
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Contact:
    row: Row
    first: str
    full_name: str
    company: Company | None
    owner: Owner | None
    language: str
    batches: list[str]
    activities: list[Row] = field(default_factory=list)


@dataclass
class Campaign:
    row: Row
    batch: str | None
    channel: str | None


@dataclass
class World:
    owners: list[Owner] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> Row:
        self.tables.setdefault(table, []).append(row)
        return row
