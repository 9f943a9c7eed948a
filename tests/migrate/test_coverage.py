"""The coverage check stops a run (exit 7) before anything is written, listing every gap."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leadgen.errors import MappingError
from leadgen.migrate import load_mapping, migrate_snapshot
from support.mapping_text import DEFAULT_MAPPING
from support.snapshots import SCHEMA, dump, make_snapshot, rid
from support.tenants import new_tenant

ROOT = Path(__file__).resolve().parents[2]
RECORDS = {"Companies": [{"id": rid("co1"), "fields": {"Company Name": "Acme"}}]}


def test_the_customer_mapping_covers_all_216_fields() -> None:
    mapping = load_mapping()
    assert len(mapping.fields()) == 216
    owner = mapping.table("Contacts").field("Owner")
    assert (owner.kind, owner.target_table, owner.column, owner.transform) == (
        "link", "contacts", "owner_id", "link")
    assert owner.field_id == "fldLiEnV375tplFj9" and owner.fallback == "Contact of"
    assert mapping.table("Companies").field("Tier").enum_label("Tier 1 - Platinum") == (
        "tier_1_platinum")
    assert mapping.table("Companies").field("Revenue Range").choices["Micro (<€2M)"] == "micro"
    assert mapping.table("Contacts").field("Language").enum_label("English") == "en"
    assert mapping.table("Companies").field("Pain Areas").category == "pain_area"
    intel = mapping.table("Companies").field("Company Intel")
    assert (intel.kind, intel.target_table) == ("split", "company_enrichment_l2")
    assert mapping.table("Companies").field("Contact Count").kind == "drop"
    assert mapping.table("Companies").field("Contact Count").reason


def mapping_without(line_start: str) -> Callable[[Path], str]:
    def edit(_: Path) -> str:
        kept = [ln for ln in DEFAULT_MAPPING.splitlines() if not ln.startswith(line_start)]
        assert len(kept) == len(DEFAULT_MAPPING.splitlines()) - 1
        return "\n".join(kept)
    return edit


def mapping_replacing(old: str, new: str) -> Callable[[Path], str]:
    def edit(_: Path) -> str:
        assert old in DEFAULT_MAPPING
        return DEFAULT_MAPPING.replace(old, new, 1)
    return edit


def schema_with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    schema = copy.deepcopy(SCHEMA)
    change(schema)
    return schema


def _companies(schema: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in schema["tables"] if t["name"] == "Companies")


def _drop_priority(schema: dict[str, Any]) -> None:
    t = _companies(schema)
    t["fields"] = [f for f in t["fields"] if f["name"] != "Priority (old)"]


def _add_tier_choice(schema: dict[str, Any]) -> None:
    tier = next(f for f in _companies(schema)["fields"] if f["name"] == "Tier")
    tier["options"]["choices"].append({"id": "selTier6Iron0001", "name": "Tier 6 - Iron"})


CASES = {
    "field missing from the mapping": (
        mapping_without('"Recent News" ='), None, r"Companies\.Recent News of the base is missing"),
    "mapped field missing from the base": (
        None, _drop_priority, r"Companies\.Priority \(old\) of the mapping is not in the base"),
    "choice without an enum label": (
        None, _add_tier_choice, r"'Tier 6 - Iron' → 'tier_6_iron' is not a label"),
    "explicit label not in pg_enum": (
        mapping_replacing('"Micro (<€2M)" = "micro"', '"Micro (<€2M)" = "tiny"'), None,
        r"'Micro \(<€2M\)' → 'tiny' is not a label of enum revenue_range"),
    "target column does not exist": (
        mapping_replacing('column = "hq_city"', 'column = "hq_town"'), None,
        r"target column companies\.hq_town does not exist"),
    "empty = default on a column without a default": (
        mapping_replacing('"Tier" = { kind = "enum", column = "tier" }',
                          '"Tier" = { kind = "enum", column = "tier", empty = "default" }'),
        None, r'Companies\.Tier: empty = "default" but companies\.tier has no default label'),
    "unknown empty rule": (
        mapping_replacing('column = "tier" }', 'column = "tier", empty = "first" }'), None,
        r"Companies\.Tier: unknown empty 'first' \(one of null, default\)"),
    "empty rule on a field that is not a select": (
        mapping_replacing('column = "hq_city"', 'column = "hq_city", empty = "default"'), None,
        r"empty` applies to a select \(kind 'enum'\), not kind 'column'"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_coverage_failure_stops_before_writing(
    database_url: str, tmp_path: Path, case: str
) -> None:
    edit_mapping, edit_schema, message = CASES[case]
    schema = schema_with(edit_schema) if edit_schema else None
    snap = make_snapshot(tmp_path / "snap", RECORDS, schema=schema)
    mapping_path = None
    if edit_mapping:
        mapping_path = tmp_path / "mapping.toml"
        mapping_path.write_text(edit_mapping(tmp_path), "utf-8")
    slug, tenant_id = await new_tenant(database_url, "cov")

    with pytest.raises(MappingError) as err:
        await migrate_snapshot(database_url, snap, slug, mapping=mapping_path)

    assert err.value.exit_code == 7
    assert re.search(message, str(err.value)), str(err.value)
    written = await dump(database_url, tenant_id, ["airtable_records", "companies",
                                                   "migration_runs"])
    assert all(rows == [] for rows in written.values())


async def test_cli_exits_7_and_says_what_to_fix(database_url: str, tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", RECORDS)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(mapping_without('"Recent News" =')(tmp_path), "utf-8")
    slug, tenant_id = await new_tenant(database_url, "cov-cli")
    result = subprocess.run(
        [sys.executable, "-m", "leadgen", "migrate", "--snapshot", str(snap), "--tenant", slug,
         "--mapping", str(mapping)],
        env=dict(os.environ, DATABASE_URL=database_url, COLUMNS="200"), cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 7, result.stderr
    assert "Recent News" in result.stderr and "mapping" in result.stderr
    assert (await dump(database_url, tenant_id, ["airtable_records"]))["airtable_records"] == []
