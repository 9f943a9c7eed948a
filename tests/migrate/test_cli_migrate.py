"""`leadgen migrate` as a user runs it: exit codes, the JSON report, the terminal summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from support.snapshots import make_snapshot, rid
from support.tenants import new_tenant

ROOT = Path(__file__).resolve().parents[2]


def run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leadgen", "migrate", *args],
        env=dict(os.environ, DATABASE_URL=database_url, COLUMNS="160"), cwd=ROOT,
        capture_output=True, text=True, timeout=120)


async def test_exit_codes_follow_rejects_and_max_rejects(
    database_url: str, tmp_path: Path
) -> None:
    clean = make_snapshot(tmp_path / "clean", {
        "Owners": [{"id": rid("o1"), "fields": {"Name": "Michal", "Default Tone": "Bold"}}],
        "Companies": [{"id": rid("c1"), "fields": {"Company Name": "Acme", "Tier": "Deprioritize",
                                                   "Account Owner Link": [rid("o1")]}}],
    })
    messy = make_snapshot(tmp_path / "messy", {
        "Companies": [{"id": rid("c1"), "fields": {"Company Name": "Acme", "Pre-Score": 1e9}}],
    })
    slug, _ = await new_tenant(database_url, "cli")
    report = tmp_path / "report.json"

    ok = run(database_url, "--snapshot", str(clean), "--tenant", slug, "--report", str(report))
    assert ok.returncode == 0, ok.stderr
    data = json.loads(report.read_text("utf-8"))
    assert data["tables"]["Companies"] == {
        "records": 1, "loaded": 1, "rejected": 0,
        "cells": {"non_empty": 3, "loaded": 3, "derived": 0, "dropped": 0, "rejected": 0}}
    assert data["unaccounted"] == 0 and data["rejects"] == []
    assert "Companies" in ok.stdout and "unaccounted cells: 0" in ok.stdout

    bad = run(database_url, "--snapshot", str(messy), "--tenant", slug, "--report", str(report))
    assert bad.returncode == 3
    assert "rejected" in bad.stderr and "--max-rejects" in bad.stderr
    data = json.loads(report.read_text("utf-8"))
    assert data["rejects"] == [{"table": "Companies", "record_id": rid("c1"),
                                "field": "Pre-Score", "value": 1e9,
                                "reason": "overflow: 1000000000.0 does not fit NUMERIC(4,1)"}]
    assert data["changed_rows"]["owners"]["deleted"] == 1  # gone from the new snapshot

    allowed = run(database_url, "--snapshot", str(messy), "--tenant", slug, "--max-rejects", "1")
    assert allowed.returncode == 0, allowed.stderr


async def test_bad_snapshot_and_unknown_tenant_say_what_to_do(
    database_url: str, tmp_path: Path
) -> None:
    snap = make_snapshot(tmp_path / "snap", {})
    (snap / "records" / next((snap / "records").iterdir()).name).write_text("{not json\n")
    slug, _ = await new_tenant(database_url, "cli-bad")
    damaged = run(database_url, "--snapshot", str(snap), "--tenant", slug)
    assert damaged.returncode == 2 and "re-run the export" in damaged.stderr
    unknown = run(database_url, "--snapshot", str(snap), "--tenant", "no-such-tenant-x")
    assert unknown.returncode == 8 and "leadgen tenant create" in unknown.stderr


def test_a_database_without_the_schema_says_to_upgrade(
    scratch_database: Callable[[], str], tmp_path: Path
) -> None:
    snap = make_snapshot(tmp_path / "snap", {
        "Owners": [{"id": rid("o1"), "fields": {"Name": "Michal"}}]})
    result = run(scratch_database(), "--snapshot", str(snap), "--tenant", "acme")
    assert result.returncode == 5, result.stderr
    assert "no leadgen schema" in result.stderr and "leadgen db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
