"""Links are two-way, and counts, lookups, rollups and formulas agree with the links."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

from gen_helpers import field, table

from leadgen.airtable.generate import GeneratedBase


def by_id(base: GeneratedBase) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for recs in base.records.values() for r in recs}


def link_fields(base: GeneratedBase) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [
        (t, f)
        for t in base.schema["tables"]
        for f in t["fields"]
        if f["type"] == "multipleRecordLinks"
    ]


def test_both_link_directions_agree(base200: GeneratedBase) -> None:
    recs = by_id(base200)
    checked = 0
    for t, f in link_fields(base200):
        inverse = f["options"].get("inverseLinkFieldId")
        if not inverse:
            continue
        for r in base200.records[t["id"]]:
            for target in r["fields"].get(f["id"], []):
                assert r["id"] in recs[target]["fields"].get(inverse, []), (t["name"], f["name"])
                checked += 1
    assert checked > 1000


def test_links_point_into_their_linked_table(base200: GeneratedBase) -> None:
    for t, f in link_fields(base200):
        targets = {r["id"] for r in base200.records[f["options"]["linkedTableId"]]}
        for r in base200.records[t["id"]]:
            assert set(r["fields"].get(f["id"], [])) <= targets


def test_one_way_links_are_used(base200: GeneratedBase) -> None:
    one_way = [(t, f) for t, f in link_fields(base200) if "inverseLinkFieldId" not in f["options"]]
    assert len(one_way) == 3
    for t, f in one_way:
        assert any(f["id"] in r["fields"] for r in base200.records[t["id"]])


def test_counts_equal_number_of_links(base200: GeneratedBase) -> None:
    for t in base200.schema["tables"]:
        for f in t["fields"]:
            if f["type"] != "count":
                continue
            link = f["options"]["recordLinkFieldId"]
            for r in base200.records[t["id"]]:
                assert r["fields"][f["id"]] == len(r["fields"].get(link, []))
    counts = [
        r["fields"][field(base200, "Companies", "Contact Count")["id"]]
        for r in base200.records[table(base200, "Companies")["id"]]
    ]
    assert 0 in counts  # a count of 0 is present, not omitted


def test_lookups_list_the_linked_values(base200: GeneratedBase) -> None:
    recs = by_id(base200)
    for t in base200.schema["tables"]:
        for f in t["fields"]:
            if f["type"] != "multipleLookupValues":
                continue
            opts = f["options"]
            for r in base200.records[t["id"]]:
                expected: list[Any] = []
                for target in r["fields"].get(opts["recordLinkFieldId"], []):
                    v = recs[target]["fields"].get(opts["fieldIdInLinkedTable"])
                    expected.extend(v) if isinstance(v, list) else expected.append(v)
                assert r["fields"].get(f["id"], []) == expected, (t["name"], f["name"])


def test_rollup_sums_linked_values(base200: GeneratedBase) -> None:
    recs = by_id(base200)
    f = field(base200, "Companies", "Total Contact Enrichment Cost")
    assert f["options"]["formula"] == "SUM(values)"
    nonzero = 0
    for r in base200.records[table(base200, "Companies")["id"]]:
        linked = r["fields"].get(f["options"]["recordLinkFieldId"], [])
        total = math.fsum(
            recs[c]["fields"].get(f["options"]["fieldIdInLinkedTable"], 0) for c in linked
        )
        assert r["fields"][f["id"]] == round(total, 4)
        nonzero += total > 0
    assert nonzero > 100


def test_formulas_match_their_inputs(base200: GeneratedBase) -> None:
    recs = by_id(base200)
    companies = base200.records[table(base200, "Companies")["id"]]
    intel = field(base200, "Companies", "Company Intel")["id"]
    has_l2 = field(base200, "Companies", "Has L2")["id"]
    days = field(base200, "Companies", "Days Since Created")["id"]
    now = datetime.fromisoformat(base200.exported_at)
    for r in companies:
        assert r["fields"][has_l2] == (1 if intel in r["fields"] else 0)
        v = r["fields"][days]
        if not isinstance(v, dict):  # error objects are injected on purpose
            assert v == (now - datetime.fromisoformat(r["createdTime"])).days
    label = table(base200, "Messages")["primaryFieldId"]
    contact = field(base200, "Messages", "Contact")["id"]
    channel = field(base200, "Messages", "Channel")["id"]
    step = field(base200, "Messages", "Sequence Step")["id"]
    full_name = table(base200, "Contacts")["primaryFieldId"]
    for r in base200.records[table(base200, "Messages")["id"]]:
        if isinstance(r["fields"][label], dict):
            continue
        who = ", ".join(recs[c]["fields"][full_name] for c in r["fields"].get(contact, []))
        expected = f"{who} - {r['fields'].get(channel, '')} #{r['fields'].get(step, '')}"
        assert r["fields"][label] == expected


def test_created_time_fields_equal_record_created_time(base200: GeneratedBase) -> None:
    for t in base200.schema["tables"]:
        for f in t["fields"]:
            if f["type"] == "createdTime":
                assert all(
                    r["fields"][f["id"]] == r["createdTime"] for r in base200.records[t["id"]]
                )


def test_children_are_created_after_their_parents(base200: GeneratedBase) -> None:
    recs = by_id(base200)
    company = field(base200, "Contacts", "Company")["id"]
    later = total = 0
    for r in base200.records[table(base200, "Contacts")["id"]]:
        for c in r["fields"].get(company, [])[:1]:
            total += 1
            later += r["createdTime"] >= recs[c]["createdTime"]
    assert later / total > 0.99


def test_times_are_spread_and_never_after_the_export(base200: GeneratedBase) -> None:
    for t in base200.schema["tables"]:
        times = [r["createdTime"] for r in base200.records[t["id"]]]
        assert max(times) <= base200.exported_at
        assert times == sorted(times)  # written in creation order
        if len(times) > 50:
            assert max(Counter(times).values()) <= 3, t["name"]  # no pile-up at export time
