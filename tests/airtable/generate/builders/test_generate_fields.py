"""Every field of the base appears, at realistic rates, with values valid for its type
(https://airtable.com/developers/web/api/field-model)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from importlib import resources
from typing import Any

from leadgen.airtable.generate import GeneratedBase

COMPUTED = {"formula", "rollup", "count", "multipleLookupValues", "createdTime"}
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
REC_ID = re.compile(r"^rec[A-Za-z0-9]{14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[+0-9 ()\-]+$")


def is_error(value: Any) -> bool:
    return isinstance(value, dict) and set(value) in ({"error"}, {"specialValue"})


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def respects_precision(value: float, precision: int) -> bool:
    return round(value, precision) == value


def test_schema_is_the_packaged_one(base200: GeneratedBase) -> None:
    packaged = json.loads(
        resources.files("leadgen.airtable").joinpath("base_schema.json").read_text("utf-8")
    )
    assert base200.schema == packaged
    assert len(base200.schema["tables"]) == 10
    assert sum(len(t["fields"]) for t in base200.schema["tables"]) == 216


def test_every_field_is_filled_somewhere_and_optional_ones_not_everywhere(
    base200: GeneratedBase,
) -> None:
    never, always = [], []
    for t in base200.schema["tables"]:
        recs = base200.records[t["id"]]
        assert recs, t["name"]
        for f in t["fields"]:
            filled = sum(1 for r in recs if f["id"] in r["fields"])
            if filled == 0:
                never.append(f"{t['name']}.{f['name']}")
            computed = f["type"] in COMPUTED  # counts/formulas always have a value (0 too)
            if filled == len(recs) and f["id"] != t["primaryFieldId"] and not computed:
                always.append(f"{t['name']}.{f['name']}")
    assert never == []
    assert always == []


def test_primary_field_always_filled(base200: GeneratedBase) -> None:
    for t in base200.schema["tables"]:
        assert all(t["primaryFieldId"] in r["fields"] for r in base200.records[t["id"]])


def test_record_shape_and_ids(base200: GeneratedBase) -> None:
    seen: set[str] = set()
    for t in base200.schema["tables"]:
        field_ids = {f["id"] for f in t["fields"]}
        for r in base200.records[t["id"]]:
            assert set(r) == {"id", "createdTime", "fields"}
            assert REC_ID.match(r["id"]) and r["id"] not in seen
            seen.add(r["id"])
            assert ISO_MS.match(r["createdTime"])
            assert set(r["fields"]) <= field_ids


def test_empty_cells_are_omitted(base200: GeneratedBase) -> None:
    for recs in base200.records.values():
        for r in recs:
            for value in r["fields"].values():
                assert value is not None and value is not False
                assert value != "" and value != []


def test_values_are_valid_for_their_type(base200: GeneratedBase) -> None:
    ids = {t["id"]: {r["id"] for r in base200.records[t["id"]]} for t in base200.schema["tables"]}
    problems: list[str] = []
    for t in base200.schema["tables"]:
        for f in t["fields"]:
            for r in base200.records[t["id"]]:
                if f["id"] in r["fields"] and not valid(f, r["fields"][f["id"]], r, ids):
                    problems.append(f"{t['name']}.{f['name']} = {r['fields'][f['id']]!r:.80}")
    assert problems == []


def valid(f: dict[str, Any], v: Any, rec: dict[str, Any], ids: dict[str, set[str]]) -> bool:
    kind, opts = f["type"], f.get("options") or {}
    choices = {c["name"] for c in opts.get("choices", [])}
    if kind in ("singleLineText", "multilineText"):
        return isinstance(v, str)
    if kind == "email":
        return isinstance(v, str) and bool(EMAIL.match(v))
    if kind == "url":
        return isinstance(v, str) and "." in v and " " not in v
    if kind == "phoneNumber":
        return isinstance(v, str) and bool(PHONE.match(v))
    if kind in ("number", "currency", "percent"):
        return is_number(v) and respects_precision(v, opts.get("precision", 8))
    if kind == "rating":
        return isinstance(v, int) and 1 <= v <= opts["max"]
    if kind == "checkbox":
        return v is True
    if kind == "date":
        return isinstance(v, str) and date.fromisoformat(v).isoformat() == v
    if kind == "dateTime":
        return isinstance(v, str) and bool(ISO_MS.match(v)) and bool(datetime.fromisoformat(v))
    if kind == "createdTime":
        return bool(v == rec["createdTime"])
    if kind == "singleSelect":
        return v in choices
    if kind == "multipleSelects":
        return isinstance(v, list) and len(set(v)) == len(v) and set(v) <= choices
    if kind == "multipleRecordLinks":
        linked = ids[opts["linkedTableId"]]
        return isinstance(v, list) and len(set(v)) == len(v) and all(i in linked for i in v)
    if kind == "multipleAttachments":
        return isinstance(v, list) and all(valid_attachment(a) for a in v)
    if kind == "count":
        return isinstance(v, int) and v >= 0
    if kind in ("rollup", "formula"):
        return is_error(v) or is_number(v) or isinstance(v, str)
    if kind == "multipleLookupValues":
        return isinstance(v, list) and len(v) > 0
    return False


def valid_attachment(a: Any) -> bool:
    if not isinstance(a, dict) or not {"id", "url", "filename", "size", "type"} <= set(a):
        return False
    ok = bool(re.match(r"^att[A-Za-z0-9]{14}$", a["id"])) and isinstance(a["size"], int)
    ok = ok and a["url"].startswith("https://v5.airtableusercontent.com/v3/u/")
    if "thumbnails" in a:
        ok = ok and set(a["thumbnails"]) == {"small", "large", "full"}
        ok = ok and isinstance(a["width"], int) and isinstance(a["height"], int)
    return ok


def test_number_results_follow_their_result_precision(base200: GeneratedBase) -> None:
    for t in base200.schema["tables"]:
        for f in t["fields"]:
            if f["type"] == "rollup":
                precision = f["options"]["result"]["options"]["precision"]
                for r in base200.records[t["id"]]:
                    v = r["fields"].get(f["id"])
                    assert is_error(v) or respects_precision(v, precision)
