"""What n8n's driver makes of the converted nodes' output, as the n8n tier found it.

n8n's Postgres node returns rows through node-postgres, whose default parsers give `numeric`
and `bigint` as strings (https://github.com/brianc/node-pg-types#readme; n8n's option
"Output Large-Format Numbers As" defaults to text). Airtable returns numbers, so a converted
flat read must hand later nodes numbers too (an If node comparing "Triage Score" >= 7, an
expression adding costs). The connection here decodes values as node-postgres does.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from n8n_expressions import evaluate_parameter
from n8n_runner import decode_like_node_postgres, run_in_transaction

from leadgen.migrate import load_mapping
from leadgen.n8n.convert import AIRTABLE, convert_document
from support.tenants import SeededTenant

COMPANIES = {"__rl": True, "mode": "id", "value": "tbllJd7cDHTCfSOIk"}
BASE = {"__rl": True, "mode": "id", "value": "appLeadgen0000001"}


def _get_node(version: float) -> dict[str, Any]:
    node = {"id": "g1", "name": "Get Company", "type": AIRTABLE, "typeVersion": version,
            "position": [0, 0], "parameters": {"base": BASE, "table": COMPANIES,
                                               "id": "={{ $json.id }}", "options": {}}}
    out, reports = convert_document({"name": "g", "nodes": [node], "connections": {}},
                                    load_mapping())
    assert reports[0].errors == 0
    params: dict[str, Any] = out["nodes"][0]["parameters"]
    return params


async def _read(app_url: str, tenant: SeededTenant, version: float) -> dict[str, Any]:
    params = _get_node(version)
    conn = await asyncpg.connect(app_url)
    try:
        await decode_like_node_postgres(conn)
        values = evaluate_parameter(params["options"]["queryReplacement"],
                                    {"id": str(tenant.ids["companies"])}, {},
                                    {"LEADGEN_TENANT_ID": str(tenant.id)})
        rows = await run_in_transaction(conn, params["query"], values)
    finally:
        await conn.close()
    assert len(rows) == 1
    return rows[0]


async def test_flat_reads_give_numbers_not_strings(
        database_url: str, app_url: str, two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    tenant = two_tenants[0]
    owner = await asyncpg.connect(database_url)
    try:
        await owner.execute(
            "UPDATE companies SET triage_score = 7.5, verified_employees = 777, "
            "enrichment_cost_usd = 0.0125 WHERE tenant_id = $1 AND id = $2",
            tenant.id, tenant.ids["companies"])
    finally:
        await owner.close()
    flat = await _read(app_url, tenant, 2.1)  # v2.1 get: {id, createdTime, ...fields}
    assert flat["Triage Score"] == 7.5 and isinstance(flat["Triage Score"], float)
    assert flat["Verified Employees"] == 777
    assert flat["Enrichment Cost ($)"] == 0.0125
    nested = await _read(app_url, tenant, 2.2)  # v2.2 get: {id, createdTime, fields: {…}}
    assert nested["fields"]["Triage Score"] == 7.5
    assert nested["fields"]["Enrichment Cost ($)"] == 0.0125


def test_v1_fields_read_from_a_nested_output_are_flagged() -> None:
    """Person enrichment's last node, run in n8n: a v1 append reads $json['Contact'] from the
    output of a create, whose values sit under `fields`. Airtable stored an empty record; the
    schema refuses a message without a contact. The converter says so (INPUT_SHAPE)."""
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).parent / "fixtures" / "person_enrichment_l2.json")
                     .read_text("utf-8"))
    _, reports = convert_document(doc, load_mapping())
    shape = [i for i in reports[0].issues if i["code"] == "INPUT_SHAPE"]
    assert [i["node"] for i in shape] == ["Append LinkedIn Note"]
    assert "Create Message" in shape[0]["message"] and "fields" in shape[0]["suggestion"]
