"""Export an Airtable base into a snapshot directory: paced, retried, resumable.

cli.py         `leadgen airtable export` (thin shell)
exporter.py    export_base(): lock, schema, resume decision, tables read concurrently
client.py      pyairtable wiring, schema / record scans, errors a user can act on
retrying.py    PacedAdapter: pacing + retries under pyairtable (429 penalty, 5xx, drops)
pacing.py      Pacer: per-base spacing + sliding window + penalty, thread-safe
checkpoint.py  TableWriter (atomic, de-duplicating) and the manifest checkpoint
progress.py    progress bars and the run summary
"""

from leadgen.airtable.export.exporter import ExportOptions, export_base
from leadgen.airtable.export.pacing import Pacer, PacerRegistry
from leadgen.airtable.export.progress import ExportSummary
from leadgen.airtable.export.retrying import PacedAdapter, RequestStats, RetryPolicy

__all__ = [
    "ExportOptions",
    "ExportSummary",
    "PacedAdapter",
    "Pacer",
    "PacerRegistry",
    "RequestStats",
    "RetryPolicy",
    "export_base",
]
