"""What travels from the transform to the COPY: rows, or their binary COPY stream.

The forked transform process (transform_process.py) encodes each chunk of a target table in
PostgreSQL's binary COPY format (copy_binary.py) and sends the bytes; the loading process
forwards them to COPY unchanged (`copy_to_table`). Where there is no fork, rows travel as
they are and asyncpg encodes them. Either way messages carry `contact_score`, the score of
their contact in this run (the review queue's sort key, migration 0020): `ContactScores`
adds it, in whichever process sees the rows first.

    scores = ContactScores()
    columns, rows = scores.apply("messages", columns, rows)
    encoded = ChunkEncoder(catalog).encode("contacts", columns, rows)   # Encoded
    async for piece in encoded.pieces(): …                               # for copy_to_table
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from leadgen.errors import LeadgenError
from leadgen.migrate.coverage import Catalog
from leadgen.migrate.load.copy_binary import Unsupported, rows_encoder

SCORE = "contact_score"
PIECE = 1 << 20  # bytes per CopyData message


def loaded_columns(table: str, columns: Sequence[str]) -> tuple[str, ...]:
    """The columns a chunk of `table` is COPYed with (messages: + contact_score)."""
    if table == "messages" and SCORE not in columns:
        return (*columns, SCORE)
    return tuple(columns)


def as_records(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               ) -> Sequence[Sequence[Any]]:
    """Rows for asyncpg's `copy_records_to_table`, whose jsonb codec takes text: the
    archive's `fields` travel as UTF-8 bytes (transform._archive_row)."""
    if table != "airtable_records" or "fields" not in columns:
        return rows
    i = columns.index("fields")
    return [r if type(r[i]) is not bytes else (*r[:i], r[i].decode(), *r[i + 1:])
            for r in rows]


class ContactScores:
    """This run's contacts' scores, added to their messages (contacts load first)."""

    def __init__(self) -> None:
        self.scores: dict[Any, Any] = {}

    def apply(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
              ) -> tuple[tuple[str, ...], Sequence[Sequence[Any]]]:
        if table == "contacts" and SCORE in columns:
            ident, score = columns.index("id"), columns.index(SCORE)
            self.scores.update((r[ident], r[score]) for r in rows)
        elif table == "messages" and SCORE not in columns:
            contact, get = columns.index("contact_id"), self.scores.get
            rows = [(*r, get(r[contact])) for r in rows]
        return loaded_columns(table, columns), rows


@dataclass(frozen=True)
class Encoded:
    """One chunk of a table as a binary COPY stream (header, rows, trailer)."""

    columns: tuple[str, ...]
    data: bytes
    rows: int

    async def pieces(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), PIECE):  # (a 1 MB copy costs ~0.1 ms)
            yield self.data[start:start + PIECE]


class ChunkEncoder:
    """Chunks → Encoded, one row encoder per table and column list (catalog types)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.scores = ContactScores()
        self._encoders: dict[tuple[str, tuple[str, ...]],
                             Callable[[Sequence[Sequence[Any]]], bytes] | None] = {}

    def encode(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               ) -> Encoded | None:
        """None when a column's type has no writer (the rows then travel as they are)."""
        cols, rows = self.scores.apply(table, columns, rows)
        key = (table, cols)
        if key not in self._encoders:
            types = self.catalog.tables.get(table, {})
            try:
                self._encoders[key] = rows_encoder([types[c] for c in cols])
            except (Unsupported, KeyError):
                self._encoders[key] = None
        encoder = self._encoders[key]
        if encoder is None:
            return None
        try:
            return Encoded(cols, encoder(rows), len(rows))
        except ValueError as exc:  # a value of the wrong type for its column
            raise LeadgenError(
                f"the transform produced a row of {table} that COPY cannot take ({exc}); "
                "nothing was loaded",
                hint="this is a bug in the migration; please report it with the snapshot",
            ) from exc
