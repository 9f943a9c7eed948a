"""Export under the benchmark's faults: 503s, dropped connections and every paged table's
iterator expiring once after its first page, all at once, yield the fault-free snapshot."""

from __future__ import annotations

from pathlib import Path

from export_helpers import fast_options, records_bytes

from leadgen.airtable.emulator import Emulator
from leadgen.airtable.export import export_base
from leadgen.airtable.export.pacing import AIRTABLE_PAGE_SIZE
from leadgen.airtable.snapshot import Snapshot

# The bench's rates (bench/export_faults.py); the seed fixes which requests the faults hit,
# since the emulator draws them in arrival order whatever thread sent each request.
FAULTS = "5xx=0.05:503,drop=0.02,expire_each_table=1,seed=11"


def test_three_faults_together_yield_the_fault_free_records(
    emulator: Emulator, tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    clean_summary = export_base(
        emulator.base_id,
        clean,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )
    manifest = Snapshot.open(clean).manifest["tables"]
    paged = {tid for tid, entry in manifest.items() if entry["records"] > AIRTABLE_PAGE_SIZE}
    assert paged and clean_summary.stats["retries"] == 0

    emulator.clear_request_log()
    emulator.set_faults(FAULTS)
    faulty = tmp_path / "faulty"
    summary = export_base(
        emulator.base_id,
        faulty,
        token=emulator.token,
        endpoint=emulator.url,
        options=fast_options(),
        show_progress=False,
    )

    # Byte for byte: no record lost, none written twice, the server's order kept.
    assert records_bytes(faulty) == records_bytes(clean)
    assert Snapshot.open(faulty).manifest["complete"] is True
    assert summary.records_read == clean_summary.records_read
    # Every fault really happened and was survived.
    log = emulator.request_log
    assert sum(r.fault == "5xx" and r.status == 503 for r in log) >= 1
    assert sum(r.fault == "drop" for r in log) >= 1
    expired = [r for r in log if r.status == 422]
    assert sorted(r.path.rsplit("/", 1)[-1] for r in expired) == sorted(paged)
    restarts = {t.table_id: t.restarts for t in summary.tables}
    assert restarts == {tid: int(tid in paged) for tid in manifest}
    # Each restart costs the 422 and a second read of the first page; each retry one request.
    extra = summary.stats["requests"] - clean_summary.stats["requests"]
    assert extra == summary.stats["retries"] + 2 * len(paged)
    assert summary.stats["requests"] == len(log)
