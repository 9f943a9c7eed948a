"""`leadgen n8n …`: the query library as node settings, and the workflow converter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from leadgen.n8n.document import render_document
from leadgen.n8n.library import node_settings_json
from leadgen.terminal import console

if TYPE_CHECKING:
    from leadgen.n8n.convert import Report

app = typer.Typer(help="n8n workflows on PostgreSQL.", no_args_is_help=True)


@app.command("queries")
def queries(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write to FILE instead of stdout")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="markdown (docs/n8n.md) or json (node settings)")
    ] = "markdown",
) -> None:
    """Print the node settings of every workflow step (the text of docs/n8n.md)."""
    if fmt not in ("markdown", "json"):
        raise typer.BadParameter("--format is markdown or json")
    text = render_document() if fmt == "markdown" else node_settings_json()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@app.command("convert")
def convert(
    source: Annotated[Path, typer.Argument(help="exported workflow JSON (object or array)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="where to write the result")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="mapping TOML (default: the customer's)")
    ] = None,
    credential: Annotated[
        str, typer.Option("--credential", help="name of the n8n postgres credential")
    ] = "Postgres leadgen",
    credential_id: Annotated[
        str, typer.Option("--credential-id", help="id of that credential in n8n")
    ] = "leadgenPostgres",
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="tenant uuid to embed (default: read "
                                 "$env.LEADGEN_TENANT_ID at run time)")
    ] = None,
    report_path: Annotated[
        Path | None, typer.Option("--report", help="write the conversion report JSON here")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="exit 2 if any node is left")] = False,
    run_contract: Annotated[bool, typer.Option(
        "--run-contract", help="wire the POST webhook to the API's run contract: signature "
        "first, 202 with the run id, progress in pipeline_runs (docs/n8n-import.md)")] = False,
) -> None:
    """Rewrite every Airtable node of a workflow as a Postgres node over the schema."""
    import json
    import uuid

    from leadgen.errors import ConfigError
    from leadgen.migrate.mapping import load_mapping
    from leadgen.n8n.convert import DEFAULT_TENANT, Options, convert_document

    try:
        doc = json.loads(source.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read workflow {source}: {exc}",
                          hint="pass a workflow exported from n8n (JSON)") from exc
    if tenant is not None:
        try:
            tenant_expr = json.dumps(str(uuid.UUID(tenant)))
        except ValueError as exc:
            raise ConfigError(f"--tenant {tenant!r} is not a uuid") from exc
    else:
        tenant_expr = DEFAULT_TENANT
    options = Options(credential={"id": credential_id, "name": credential},
                      tenant_expression=tenant_expr, run_contract=run_contract)
    result, reports = convert_document(doc, load_mapping(mapping), options)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    summary = [r.as_dict() for r in reports]
    if report_path is not None:
        report_path.write_text(json.dumps(summary if len(summary) > 1 else summary[0],
                                          indent=2, ensure_ascii=False) + "\n", "utf-8")
    print_conversion(console(), reports)
    if strict and any(r.errors for r in reports):
        raise typer.Exit(2)


def print_conversion(out: Console, reports: list[Report]) -> None:
    """The conversion report, wrapped at the console's width (node names and messages are
    the workflow's own text: printed as they are, never read as markup)."""
    from leadgen.n8n.convert import render_table

    out.print(render_table(reports), markup=False, highlight=False)
