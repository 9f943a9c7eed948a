"""Rows → PostgreSQL's binary COPY format, written in the transform process.

The transform process used to pickle its rows for the loading process, which unpickled them
and had asyncpg encode them for COPY: three passes over 690k rows (docs/benchmarks.md,
Migrate). Now the transform process writes the COPY stream itself and the loading process
only forwards the bytes (`copy_to_table(…, format="binary")`); asyncpg has no encoder that
works without a connection, so this is the format written out for the types the target
schema uses (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"; each
type's `*_send` in the server's source). The server checks every value as it would
asyncpg's: NOT NULL, typmods (numeric precision), enum labels, UTF-8.

    encode = rows_encoder([catalog.tables["contacts"][c] for c in columns])
    payload = encode(rows)                     # header + rows + trailer, ready for COPY
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, no header extension
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"

_LEN = struct.Struct(">i").pack
_INT2 = struct.Struct(">ih").pack
_INT4 = struct.Struct(">ii").pack
_INT8 = struct.Struct(">iq").pack
_FLOAT8 = struct.Struct(">id").pack
_NUMERIC_HEAD = struct.Struct(">ihhHh").pack  # sign is unsigned (0xC000: NaN)
_TRUE, _FALSE = _LEN(1) + b"\x01", _LEN(1) + b"\x00"
_UUID_LEN = _LEN(16)
_EPOCH_TZ = datetime(2000, 1, 1, tzinfo=UTC)
_EPOCH = datetime(2000, 1, 1)
_EPOCH_DAYS = date(2000, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)

Field = Callable[[Any], bytes]  # a value → its length-prefixed field


class ColumnType(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def data_type(self) -> str: ...  # information_schema: text, uuid, USER-DEFINED (an enum)
    @property
    def udt_name(self) -> str: ...


class Unsupported(ValueError):
    """A column type this module does not write (the caller falls back to asyncpg)."""


def _text(v: Any) -> bytes:
    if type(v) is not str:
        raise TypeError(f"expected str, got {type(v).__name__}")
    b = v.encode()
    return _LEN(len(b)) + b


def _uuid(v: Any) -> bytes:
    # asyncpg's C UUID (the transform's row ids) and uuid.UUID both have .bytes
    return _UUID_LEN + (v.bytes if isinstance(v, UUID) else UUID(str(v)).bytes)


def _bool(v: Any) -> bytes:
    if type(v) is not bool:
        raise TypeError(f"expected bool, got {type(v).__name__}")
    return _TRUE if v else _FALSE


def _int2(v: Any) -> bytes:
    return _INT2(2, _integer(v))


def _int4(v: Any) -> bytes:
    return _INT4(4, _integer(v))


def _int8(v: Any) -> bytes:
    return _INT8(8, _integer(v))


def _integer(v: Any) -> int:
    if type(v) is bool or not isinstance(v, int):
        raise TypeError(f"expected int, got {type(v).__name__}")
    return v


def _float8(v: Any) -> bytes:
    return _FLOAT8(8, float(v))


def _timestamptz(v: Any) -> bytes:
    if type(v) is date:
        raise TypeError("expected datetime, got date")
    if v.tzinfo is None:  # as asyncpg: a naive value is taken as UTC
        v = v.replace(tzinfo=UTC)
    return _INT8(8, (v - _EPOCH_TZ) // _MICROSECOND)


def _timestamp(v: Any) -> bytes:
    if v.tzinfo is not None:
        v = v.astimezone(UTC).replace(tzinfo=None)
    return _INT8(8, (v - _EPOCH) // _MICROSECOND)


def _date(v: Any) -> bytes:
    if isinstance(v, datetime):
        v = v.date()
    return _INT4(4, v.toordinal() - _EPOCH_DAYS)


def _jsonb(v: Any) -> bytes:
    b = v.encode() if type(v) is str else bytes(v)
    return _LEN(len(b) + 1) + b"\x01" + b  # format version 1, then the JSON text


def _bytea(v: Any) -> bytes:
    b = bytes(v)
    return _LEN(len(b)) + b


_NUMERICS: dict[str, bytes] = {}  # text → field: the same few values recur in a base
_NUMERICS_MAX = 100_000


def _numeric(v: Any) -> bytes:
    """numeric_send: base-10000 digits, the first one's weight, sign, display scale."""
    d = v if type(v) is Decimal else Decimal(str(v) if isinstance(v, float) else v)
    key = str(d)  # exact, scale included ("1.50" is not "1.5")
    field = _NUMERICS.get(key)
    if field is None:
        field = _numeric_field(d)
        if len(_NUMERICS) < _NUMERICS_MAX:
            _NUMERICS[key] = field
    return field


def _numeric_field(d: Decimal) -> bytes:
    if not d.is_finite():
        if d.is_nan():
            return _NUMERIC_HEAD(8, 0, 0, 0xC000, 0)
        return _NUMERIC_HEAD(8, 0, 0, 0xF000 if d.is_signed() else 0xD000, 0)
    sign, digits, exponent = d.as_tuple()
    exp = int(exponent)
    dscale = max(-exp, 0)
    # the value times 10^k is an integer whose last k digits are whole base-10000 groups
    frac_groups = -(-dscale // 4)
    n = int("".join(map(str, digits)) or "0") * 10 ** (exp + 4 * frac_groups)
    groups: list[int] = []
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    weight = len(groups) - frac_groups - 1
    while groups and groups[0] == 0:  # trailing zero groups (the list is reversed)
        groups.pop(0)
    if not groups:
        return _NUMERIC_HEAD(8, 0, 0, 0, dscale)
    groups.reverse()
    return (_NUMERIC_HEAD(8 + 2 * len(groups), len(groups), weight, 0x4000 if sign else 0,
                          dscale) + struct.pack(f">{len(groups)}h", *groups))


_BY_UDT: dict[str, Field] = {
    "text": _text, "varchar": _text, "bpchar": _text, "citext": _text, "json": _text,
    "uuid": _uuid, "bool": _bool, "int2": _int2, "int4": _int4, "int8": _int8,
    "float8": _float8, "numeric": _numeric, "timestamptz": _timestamptz,
    "timestamp": _timestamp, "date": _date, "jsonb": _jsonb, "bytea": _bytea,
}


def field_encoder(column: ColumnType) -> Field:
    if column.data_type == "USER-DEFINED":
        return _text  # an enum: its label (enum_recv takes the label's text)
    try:
        return _BY_UDT[column.udt_name]
    except KeyError:
        raise Unsupported(f"{column.name}: no binary COPY writer for type "
                          f"{column.udt_name}") from None


# Inline writers of the common types, for the generated chunk encoder: `{v}` is the value;
# each appends its length-prefixed field (a wrong type raises TypeError or AttributeError).
_INLINE: dict[Field, str] = {
    _text: "b = {v}.encode(); ap(LEN(len(b))); ap(b)",
    _uuid: "ap(UUID_LEN); ap({v}.bytes)",
    _bool: "ap(TRUE if {v} is True else FALSE if {v} is False else bad_bool({v}))",
    _int2: "ap(INT2(2, {v}))",
    _int4: "ap(INT4(4, {v}))",
    _timestamptz: "ap(INT8(8, ({v} - EPOCH_TZ) // MICROSECOND))",
    _date: "ap(INT4(4, {v}.toordinal() - EPOCH_DAYS))",
    _jsonb: "b = {v} if type({v}) is bytes else {v}.encode(); ap(LEN(len(b) + 1)); "
            "ap(JSONB_V1); ap(b)",
    _bytea: "ap(LEN(len({v}))); ap({v})",  # bytes-like (join refuses anything else)
}


def _bad_bool(v: Any) -> bytes:
    raise TypeError(f"expected bool, got {type(v).__name__}")


def rows_encoder(columns: Sequence[ColumnType]) -> Callable[[Sequence[Sequence[Any]]], bytes]:
    """Rows (values in `columns` order) → the whole COPY FROM STDIN (FORMAT binary) input.

    The loop is generated for the column types, with the common ones written inline: a
    function call per value was a third of the transform process's time on the bench base."""
    fields = tuple(field_encoder(c) for c in columns)
    names = [c.name for c in columns]
    values = [f"v{i}" for i in range(len(fields))]
    lines = ["def encode_rows(rows):",
             "    out = [HEADER]",
             "    ap = out.append",
             "    for row in rows:",
             f"        {', '.join(values)}{',' if len(values) == 1 else ''} = row",
             "        ap(COUNT)"]
    env: dict[str, Any] = {
        "HEADER": HEADER, "TRAILER": TRAILER, "NULL": NULL, "LEN": _LEN, "INT2": _INT2,
        "INT4": _INT4, "INT8": _INT8, "UUID_LEN": _UUID_LEN, "TRUE": _TRUE, "FALSE": _FALSE,
        "EPOCH_TZ": _EPOCH_TZ, "MICROSECOND": _MICROSECOND, "bad_bool": _bad_bool,
        "EPOCH_DAYS": _EPOCH_DAYS, "JSONB_V1": b"\x01",
        "COUNT": struct.pack(">h", len(fields)),
    }
    for i, (f, v) in enumerate(zip(fields, values, strict=True)):
        if f in _INLINE:
            write = _INLINE[f].format(v=v)
        else:
            env[f"f{i}"] = f
            write = f"ap(f{i}({v}))"
        lines += [f"        if {v} is None:", "            ap(NULL)", "        else:",
                  f"            {write}"]
    lines += ["    ap(TRAILER)", "    return b''.join(out)"]
    exec(compile("\n".join(lines), f"<copy encoder: {', '.join(names)}>", "exec"), env)
    generated: Callable[[Sequence[Sequence[Any]]], bytes] = env["encode_rows"]

    def encode_rows(rows: Sequence[Sequence[Any]]) -> bytes:
        try:
            return generated(rows)
        except (TypeError, ValueError, AttributeError, OverflowError, struct.error) as exc:
            raise ValueError(f"cannot write a row for COPY: {_first_bad(fields, names, rows)}: "
                             f"{exc}") from exc

    return encode_rows


def _first_bad(fields: Sequence[Field], names: Sequence[str],
               rows: Sequence[Sequence[Any]]) -> str:
    for row in rows:
        if len(row) != len(fields):
            return f"{len(row)} values for {len(fields)} columns"
        for f, name, v in zip(fields, names, row, strict=True):
            try:
                if v is not None:
                    f(v)
            except Exception:  # naming the column is all we want here
                return f"column {name} ({v!r:.80})"
    return "a value"
