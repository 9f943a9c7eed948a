"""`leadgen airtable emulate`: serve a snapshot directory as Airtable's Web API."""

from __future__ import annotations

from pathlib import Path

import typer

from leadgen.airtable.emulator.faults import FAULTS_HELP, Faults
from leadgen.airtable.emulator.server import DEFAULT_TOKEN, create_emulator


def emulate(
    snapshot: Path = typer.Option(..., "--snapshot", help="Snapshot directory to serve."),
    port: int = typer.Option(8765, help="Port to listen on (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    rate_limit: float = typer.Option(5.0, help="Requests per second per base (0 = unlimited)."),
    penalty_seconds: float = typer.Option(30.0, help="How long 429s last after the limit is hit."),
    faults: str = typer.Option("", help=FAULTS_HELP),
    token: str = typer.Option(
        DEFAULT_TOKEN, envvar="AIRTABLE_TOKEN", help="The bearer token clients must send."
    ),
) -> None:
    """Serve a snapshot as an Airtable-compatible API (records, metadata, writes, faults)."""
    emulator = create_emulator(
        snapshot,
        token=token,
        rate_limit=rate_limit,
        penalty_seconds=penalty_seconds,
        faults=Faults.parse(faults),
    )
    emulator.start(host, port)
    typer.echo(f"Airtable emulator for {emulator.base_id} on {emulator.url}")
    # Echo the token only when it is the built-in one: a token from the environment may be real.
    typer.echo(f"  token: {token if token == DEFAULT_TOKEN else '(from --token / AIRTABLE_TOKEN)'}")
    if faults:
        typer.echo(f"  faults: {emulator.faults.describe()}")
    typer.echo("  Ctrl-C to stop")
    try:
        emulator.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
