"""The archive's `fields` JSON is cut out of the record's line when that is certain."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from leadgen.migrate.transform.snapshot_rows import _fields_text

FIELDS: dict[str, Any] = {"fldA": 'a "fields": trap \\"fields\\": {}', "fldB": [1, 2.5, None],
                          "fldC": {"fields": {"x": "}"}}, "fldD": "naïve ✓"}


def cut(line: bytes) -> bytes | None:
    return _fields_text(line, orjson.loads(line))


def test_an_exported_line_gives_the_bytes_orjson_would_write() -> None:
    rec = {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "fields": FIELDS}
    line = orjson.dumps(rec) + b"\n"
    assert cut(line) == orjson.dumps(FIELDS)


def test_other_spacing_still_parses_to_the_same_fields() -> None:
    rec = {"id": "rec1", "createdTime": None, "fields": FIELDS}
    line = json.dumps(rec, indent=None).encode() + b"  \r\n"  # ": " and ", " separators
    text = cut(line)
    assert text is not None and json.loads(text) == FIELDS


@pytest.mark.parametrize("rec", [
    {"fields": FIELDS, "id": "rec1"},  # fields not last
    {"id": "rec1", "meta": {"fields": 1}, "fields": FIELDS},  # a nested value before it
    {"id": "rec1", "tags": ["x"], "fields": FIELDS},
    {"id": "rec1", 'x"fields': "y", "fields": FIELDS},  # a key that would fool the search
])
def test_anything_else_is_serialised_again(rec: dict[str, Any]) -> None:
    assert cut(orjson.dumps(rec)) is None
