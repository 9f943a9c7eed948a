"""The transform process's binary COPY writer against asyncpg's (differential test).

Hypothesis writes rows of every type the target schema uses; the same rows are COPYed into
one temp table through `rows_encoder` (bytes handed to `copy_to_table`) and into another
through asyncpg's own `copy_records_to_table`; what PostgreSQL then holds must be equal. A
value of the wrong type is an error naming the column, never a silently different row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadgen.migrate.load.copy_binary import Unsupported, rows_encoder
from leadgen.migrate.load.wire import Encoded
from leadgen.migrate.transform.rules import uuid5_fast
from support import run_async


@dataclass(frozen=True)
class Col:
    name: str
    data_type: str
    udt_name: str


COLUMNS = [
    Col("u", "uuid", "uuid"), Col("t", "text", "text"), Col("b", "boolean", "bool"),
    Col("s", "smallint", "int2"), Col("i", "integer", "int4"), Col("n", "numeric", "numeric"),
    Col("ts", "timestamp with time zone", "timestamptz"), Col("d", "date", "date"),
    Col("j", "jsonb", "jsonb"), Col("by", "bytea", "bytea"),
    Col("e", "USER-DEFINED", "language_enum"),
]
DDL = ("(u uuid, t text, b bool, s int2, i int4, n numeric, ts timestamptz, d date, j jsonb, "
       "by bytea, e language_enum)")
LANGUAGES = ["en", "de", "nl", "cs"]  # labels of language_enum (0001_enums.sql)

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
values = st.tuples(
    st.one_of(st.uuids(), st.text(min_size=1, max_size=20).map(
        lambda s: uuid5_fast(uuid.NAMESPACE_URL, s))),  # the transform's C UUIDs too
    text,
    st.booleans(),
    st.integers(-(2**15), 2**15 - 1),
    st.integers(-(2**31), 2**31 - 1),
    st.decimals(min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False,
                allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                 timezones=st.one_of(st.just(UTC), offsets)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
    st.dictionaries(text, st.one_of(st.integers(-1000, 1000), text, st.booleans()),
                    max_size=4),
    st.binary(max_size=30),
    st.sampled_from(LANGUAGES),
)
rows_with_nulls = st.lists(
    st.tuples(values, st.lists(st.booleans(), min_size=11, max_size=11)).map(
        lambda vn: tuple(None if null else v for v, null in zip(*vn, strict=True))),
    min_size=1, max_size=20)


async def both_ways(url: str, rows: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
    """(what our stream stored, what asyncpg's stored), row by row in input order."""
    names = [c.name for c in COLUMNS]
    ours = [(*r[:8], None if r[8] is None else orjson.dumps(r[8]), *r[9:]) for r in rows]
    theirs = [(*r[:8], None if r[8] is None else orjson.dumps(r[8]).decode(), *r[9:])
              for r in rows]
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for t in ("ours", "theirs"):
                await conn.execute(f"CREATE TEMP TABLE {t} (k serial, {DDL[1:]} ON COMMIT DROP")
            stream = Encoded(tuple(names), rows_encoder(COLUMNS)(ours), len(ours))
            await conn.copy_to_table("ours", source=stream.pieces(), columns=names,
                                     format="binary")
            await conn.copy_records_to_table("theirs", records=theirs, columns=names)
            cols = ", ".join(f'"{n}"' for n in names)
            return ([tuple(r) for r in await conn.fetch(f"SELECT {cols} FROM ours ORDER BY k")],
                    [tuple(r) for r in await conn.fetch(f"SELECT {cols} FROM theirs ORDER BY k")])
    finally:
        await conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_with_nulls)
def test_our_stream_stores_what_asyncpg_stores(database_url: str,
                                               rows: list[tuple[Any, ...]]) -> None:
    ours, theirs = run_async(both_ways(database_url, rows))
    assert ours == theirs
    # numeric keeps its display scale (str(Decimal) shows it; == alone would not)
    assert [str(r[5]) for r in ours] == [str(r[5]) for r in theirs]


@pytest.mark.parametrize("value", [
    "0", "-0", "0.000", "1", "-1", "10000", "9999.9999", "0.0001", "0.00000012", "123456789.5",
    "-42.10", "1E+5", "1.2E-7", "NaN",
])
def test_numeric_edges(database_url: str, value: str) -> None:
    row = (uuid.uuid4(), "x", True, 1, 1, Decimal(value), datetime(2020, 1, 1, tzinfo=UTC),
           date(2020, 1, 1), {"a": 1}, b"", "en")
    ours, theirs = run_async(both_ways(database_url, [row]))
    assert ours == theirs or (value == "NaN" and ours[0][5].is_nan() and theirs[0][5].is_nan())
    assert str(ours[0][5]) == str(theirs[0][5])


def test_a_value_of_the_wrong_type_names_its_column() -> None:
    good = (uuid.uuid4(), "x", True, 1, 1, Decimal("1"), datetime(2020, 1, 1, tzinfo=UTC),
            date(2020, 1, 1), b"{}", b"", "en")
    encode = rows_encoder(COLUMNS)
    encode([good])
    for position, bad in [(0, 42), (1, 7), (2, "yes"), (3, 2**20), (6, "2020-01-01")]:
        row = tuple(bad if i == position else v for i, v in enumerate(good))
        with pytest.raises(ValueError, match=f"column {COLUMNS[position].name} "):
            encode([good, row])
    with pytest.raises(ValueError, match="10 values for 11 columns"):
        encode([good[:-1]])


def test_a_type_without_a_writer_is_refused_up_front() -> None:
    with pytest.raises(Unsupported, match="point"):
        rows_encoder([Col("p", "point", "point")])
