"""The n8n query library: the named queries of ``sql/n8n/*.sql`` as n8n Postgres-node settings.

Each query in those files carries a structured comment (see ``sql/n8n/orchestrator.sql``):
its workflow step, what it does, one ``-- $n name type <- expression`` line per parameter and
a ``-- returns:`` line. This module reads them back so the document people paste from
(``leadgen n8n queries`` → docs/n8n.md) and the converter's progress nodes are generated from
the same text the tests run — they cannot drift apart.

Tenancy under RLS: n8n connects as ``leadgen_app`` and cannot bypass row level security, so
every query the n8n node sends starts with :data:`TENANT_PREAMBLE`, a statement that sets
``app.tenant_id`` (and the audit actor) for the transaction from the same ``$1`` the query
filters on, returning no row. The node runs with ``queryBatching: transaction`` so each item's
two statements run in one transaction and its output is exactly the query's rows
(docs/n8n.md "Tenancy" explains why not a CTE or a per-statement function).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import asyncpg

from leadgen.errors import ConfigError

# Runs before every n8n query. set_config(…, true) lasts until the transaction ends; the
# functions sit in FROM (volatile, so always evaluated) and `WHERE t.id IS NULL` drops the one
# row, so the statement contributes nothing to the node's output and still starts with SELECT
# (n8n then treats an empty SELECT result as "no items", as before).
TENANT_PREAMBLE = (
    "SELECT FROM set_config('app.tenant_id', $1::text, true) AS t(id), "
    "set_config('app.actor', 'n8n', true) AS a(name) WHERE t.id IS NULL;"
)

# The order the workflows run them in; the document follows it.
LIBRARY_FILES = ("orchestrator", "l1", "l2", "person", "progress")

_PARAM = re.compile(r"^\$(\d+)\s+(\w+)\s+([\w\[\]]+)\s*<-\s*(.+)$")


@dataclass(frozen=True)
class Param:
    """One ``$n`` of a query: its name, SQL type and the n8n expression that supplies it."""

    number: int
    name: str
    sql_type: str
    expression: str


@dataclass(frozen=True)
class LibraryQuery:
    """One named query of the library with its documentation."""

    file: str
    name: str
    step: str
    description: str
    params: tuple[Param, ...]
    returns: str
    sql: str
    suffix: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def workflow(self) -> str:
        return self.step.split("›")[0].strip()

    def n8n_query(self) -> str:
        """The text to paste in the node's Query field: tenant preamble, then the query."""
        return TENANT_PREAMBLE + "\n" + self.sql

    def query_replacement(self) -> str:
        """``options.queryReplacement``: one expression returning the parameter array."""
        return "={{ [ " + ", ".join(p.expression for p in self.params) + " ] }}"

    def node_parameters(self) -> dict[str, object]:
        """The Postgres node's ``parameters`` for this step."""
        return {
            "operation": "executeQuery",
            "query": self.n8n_query(),
            "options": {
                "queryBatching": "transaction",
                "queryReplacement": self.query_replacement(),
            },
        }


def _parse_block(file: str, header: list[str], body: list[str]) -> LibraryQuery:
    name = suffix = step = returns = ""
    description: list[str] = []
    params: list[Param] = []
    for line in header:
        text = line[2:].strip()
        if text.startswith("name:"):
            raw = text[5:].strip()
            name = raw.rstrip("^$!<*#")
            suffix = raw[len(name):]
        elif text.startswith("step:"):
            step = text[5:].strip()
        elif text.startswith("returns:"):
            returns = text[8:].strip()
        elif (match := _PARAM.match(text)) is not None:
            params.append(Param(int(match[1]), match[2], match[3], match[4].strip()))
        elif text:
            description.append(text)
    where = f"sql/n8n/{file}.sql query {name or '?'}"
    if not name or not step or not returns:
        raise ConfigError(f"{where}: needs name, step and returns comment lines")
    if [p.number for p in params] != list(range(1, len(params) + 1)):
        raise ConfigError(f"{where}: parameters must be documented as $1..$n in order")
    sql = "\n".join(body).strip()
    used = {int(n) for n in re.findall(r"\$(\d+)", sql)}
    if used != {p.number for p in params}:
        raise ConfigError(
            f"{where}: documents ${sorted(p.number for p in params)} but uses ${sorted(used)}",
            hint="every $n in the SQL needs a `-- $n name type <- expression` line",
        )
    if not params or params[0].name != "tenant_id":
        raise ConfigError(f"{where}: $1 must be tenant_id (every query names its tenant)")
    if sql.rstrip(";").count(";"):
        raise ConfigError(f"{where}: one statement per query (n8n pairs results with items)")
    return LibraryQuery(file, name, step, " ".join(description), tuple(params), returns, sql,
                        suffix)


def parse_library(file: str, text: str) -> list[LibraryQuery]:
    """The documented queries of one .sql file, in file order."""
    queries: list[LibraryQuery] = []
    header: list[str] | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("-- name:"):
            if header is not None:
                queries.append(_parse_block(file, header, body))
            header, body = [line], []
        elif header is not None and line.startswith("--") and not body:
            header.append(line)
        elif header is not None and line.strip():
            body.append(line)
    if header is not None:
        queries.append(_parse_block(file, header, body))
    return queries


def load_library() -> list[LibraryQuery]:
    """Every query of the n8n library, workflow by workflow."""
    root = resources.files("leadgen.sql").joinpath("n8n")
    out: list[LibraryQuery] = []
    for file in LIBRARY_FILES:
        out.extend(parse_library(file, root.joinpath(f"{file}.sql").read_text("utf-8")))
    return out


def library_query(name: str) -> LibraryQuery:
    """One library query by name (ConfigError naming the known ones otherwise)."""
    for query in load_library():
        if query.name == name:
            return query
    known = ", ".join(q.name for q in load_library())
    raise ConfigError(f"no n8n query named {name!r}", hint=f"known: {known}")


async def run_query(conn: asyncpg.Connection, name: str, *args: Any) -> list[asyncpg.Record]:
    """Run library query ``name`` from Python (the API, tests) with positional arguments.

    The caller's transaction must already carry the tenant (``tenant_transaction``); ``$1``
    still names it. aiosql's loader is keyword-only, these queries are positional for n8n.
    """
    rows: list[asyncpg.Record] = await conn.fetch(library_query(name).sql, *args)
    return rows


def node_settings_json() -> str:
    """All node settings as one JSON document (``leadgen n8n queries --format json``)."""
    doc = [
        {"step": q.step, "name": q.name, "parameters": q.node_parameters(),
         "params": [p.__dict__ for p in q.params], "returns": q.returns}
        for q in load_library()
    ]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
