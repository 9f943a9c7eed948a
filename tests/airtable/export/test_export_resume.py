"""kill -9 at random moments, then re-run: the same records, finished tables not read again."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from export_helpers import TEST_PENALTY, TEST_RATE, fast_options, records_bytes

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.export import export_base
from leadgen.airtable.snapshot import file_sha256

# The export command itself, without importing every other `leadgen` command group: the
# process starts faster, so the random kills land inside the export, not in imports.
ENTRY = "import typer; from leadgen.airtable.export.cli import export; typer.run(export)"


def start_export(emu: Emulator, out: Path, report: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRTABLE_")}
    env["AIRTABLE_TOKEN"] = emu.token
    args = [
        "--base",
        emu.base_id,
        "--out",
        str(out),
        "--endpoint",
        emu.url,
        "--rate-limit",
        str(TEST_RATE),
        "--penalty-seconds",
        str(TEST_PENALTY),
        "--no-progress",
        "--report",
        str(report),
    ]
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def complete_tables(out: Path) -> set[str]:
    """Tables the manifest calls complete — each must be intact (atomic writes, checked)."""
    path = out / "manifest.json"
    if not path.exists():
        return set()
    manifest = json.loads(path.read_text("utf-8"))  # never torn: parses at any kill point
    done = set()
    for table_id, entry in manifest["tables"].items():
        if entry.get("complete"):
            records = out / "records" / f"{table_id}.jsonl"
            assert file_sha256(records) == entry["sha256"], table_id
            with records.open("rb") as lines:
                assert sum(1 for _ in lines) == entry["records"]
            done.add(table_id)
    if manifest["complete"]:
        assert done == set(manifest["tables"])
    return done


def wait_for(proc: subprocess.Popen[bytes], condition: Callable[[], bool]) -> None:
    """Until `condition` holds or the process has ended by itself."""
    deadline = time.monotonic() + 60
    while not condition() and proc.poll() is None:
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_kill_at_random_moments_then_resume(emulator: Emulator, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    export_base(
        emulator.base_id,
        clean,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )
    expected = records_bytes(clean)

    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    print(f"kill schedule seed: {seed}")
    out, report = tmp_path / "out", tmp_path / "report.json"
    killed_during_export = 0
    # early (schema / first pages), mid-way, and just after a table was checkpointed
    for phase in ("early", "mid", "after-checkpoint"):
        emulator.clear_request_log()
        before = complete_tables(out)
        # The with block closes the stderr pipe and waits for the child once it is killed.
        with start_export(emulator, out, report, tmp_path) as proc:
            wait_for(proc, lambda: bool(emulator.request_log))
            if phase == "early":
                time.sleep(rng.uniform(0.0, 0.3))
            elif phase == "mid":
                time.sleep(rng.uniform(0.2, 1.2))
            else:
                wait_for(proc,
                         lambda b=len(before): len(complete_tables(out)) > b)  # type: ignore[misc]
                time.sleep(rng.uniform(0.0, 0.2))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed_during_export += 1
        assert complete_tables(out) >= before  # finished tables stay finished

    assert killed_during_export >= 2, f"seed {seed}: the export outran the kills"
    kept = complete_tables(out)
    emulator.clear_request_log()
    with start_export(emulator, out, report, tmp_path) as proc:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()

    assert records_bytes(out) == expected
    assert complete_tables(out) == set(expected)
    assert json.loads((out / "manifest.json").read_text())["complete"] is True
    summary = json.loads(report.read_text())
    assert {t["id"] for t in summary["tables"] if t["status"] == "kept"} == kept
    # The re-run asked nothing about the tables it kept.
    read_paths = {r.path.rsplit("/", 1)[-1] for r in emulator.request_log if "/meta/" not in r.path}
    assert not read_paths & kept
    assert not list(out.rglob("*.tmp"))
