"""`leadgen airtable export`: the command-line shell over `export_base`."""

from __future__ import annotations

from pathlib import Path

import typer

from leadgen.airtable.export.exporter import ExportOptions, export_base
from leadgen.airtable.export.pacing import AIRTABLE_PENALTY_SECONDS, AIRTABLE_RATE_LIMIT
from leadgen.airtable.export.retrying import RetryPolicy
from leadgen.airtable.snapshot import write_json_atomic
from leadgen.errors import ConfigError
from leadgen.settings import get_settings
from leadgen.terminal import console


def export(
    base: str = typer.Option(..., "--base", help="Base id (the app… part of the base's URL)."),
    out: Path = typer.Option(..., "--out", help="Snapshot directory to write (or resume)."),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        help="API root; default AIRTABLE_ENDPOINT or api.airtable.com "
        "(point it at `leadgen airtable emulate`).",
    ),
    rate_limit: float = typer.Option(
        AIRTABLE_RATE_LIMIT,
        "--rate-limit",
        help="The base's limit in requests/s; the exporter stays just under it.",
    ),
    penalty_seconds: float = typer.Option(
        AIRTABLE_PENALTY_SECONDS,
        "--penalty-seconds",
        help="Minimum wait after a 429 (Airtable blocks the base for 30 s).",
    ),
    concurrency: int = typer.Option(
        4, "--concurrency", help="Tables read at once (1 or more)."
    ),
    read_timeout: float = typer.Option(
        60.0, "--read-timeout",
        help="Seconds to wait for a response before retrying (0.1 or more).",
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="Read every table again, even those a previous run finished."
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the run's figures as JSON to this file."
    ),
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="Show a progress bar per table."
    ),
) -> None:
    """Export an Airtable base into a snapshot directory (schema, records, manifest).

    The token comes from AIRTABLE_TOKEN (needs schema.bases:read and data.records:read); it is
    never printed or written. Requests are paced under the base's rate limit; 429s, server
    errors, timeouts and expired iterators are retried. Interrupted, the same command resumes:
    finished tables are kept and `manifest.complete` turns true once every table is whole.
    """
    settings = get_settings()
    if settings.airtable_token is None or not settings.airtable_token.get_secret_value():
        raise ConfigError(
            "AIRTABLE_TOKEN is not set",
            hint="export AIRTABLE_TOKEN=pat… (a personal access token with "
            "schema.bases:read and data.records:read)",
        )
    if rate_limit <= 0 or penalty_seconds < 0:
        raise ConfigError("--rate-limit must be positive and --penalty-seconds not negative")
    # checked here rather than with click's min=, whose "[x>=0.1]" range column squeezes the
    # option names of the help panel until they are cut at 80 columns
    if concurrency < 1 or read_timeout < 0.1:
        raise ConfigError("--concurrency must be 1 or more and --read-timeout 0.1 s or more")
    options = ExportOptions(
        rate_limit=rate_limit,
        concurrency=concurrency,
        timeout=(10.0, read_timeout),
        fresh=fresh,
        policy=RetryPolicy(penalty_seconds=penalty_seconds),
    )
    summary = export_base(
        base,
        out,
        token=settings.airtable_token.get_secret_value(),
        endpoint=endpoint or settings.airtable_endpoint,
        options=options,
        console=console(stderr=True),
        show_progress=progress,
    )
    summary.render(console())
    if report is not None:
        write_json_atomic(report, summary.as_dict())
