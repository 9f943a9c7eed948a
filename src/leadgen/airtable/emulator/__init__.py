"""A local Airtable Web API over a snapshot directory, for tests, the demo and parallel runs.

    run_emulator(snapshot, ...)  →  Emulator (.url .base_id .token .store .request_log
                                              .set_faults .clear_faults .set_rate_limit
                                              .expire_iterators .stop)

Layers, outermost first: `server` (HTTP transport, request log, Python API) → `app` (auth,
routing, rate limit, faults) → `listing` / `writes` (the record endpoints) → `store` (records
keyed by field ID, link symmetry, derived cells). docs/airtable-emulator.md lists the
behaviours it reproduces and their public sources.
"""

from leadgen.airtable.emulator.app import Compatibility
from leadgen.airtable.emulator.faults import FAULTS_HELP, Faults
from leadgen.airtable.emulator.server import (
    DEFAULT_TOKEN,
    Emulator,
    LoggedRequest,
    create_emulator,
    run_emulator,
)
from leadgen.airtable.emulator.store import RecordStore, StoredRecord

__all__ = [
    "DEFAULT_TOKEN",
    "FAULTS_HELP",
    "Compatibility",
    "Emulator",
    "Faults",
    "LoggedRequest",
    "RecordStore",
    "StoredRecord",
    "create_emulator",
    "run_emulator",
]
