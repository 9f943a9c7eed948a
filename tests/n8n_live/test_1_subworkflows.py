"""L1, L2 and person enrichment, converted and imported unchanged, run by n8n on one record.

`n8n execute` starts only at a Manual or Execute Workflow trigger and passes no input, so each
sub-workflow runs through a test-only wrapper: Manual Trigger → the record to work on → Execute
Workflow of the converted sub-workflow (https://docs.n8n.io/hosting/cli-commands/). Their HTTP
Request nodes call the local stub (host rewritten, nothing else). After each run the tenant
must differ from before exactly as the Python runner predicts, and every other row must be as
it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from db_state import changes, digest, tenant_state
from live_workflows import L1_ANSWER, L2_ANSWER, PERSON_ANSWER, SUBWORKFLOWS, converted
from n8n_cli import N8n, node_error
from predict import Runner, predict, report
from stub_server import StubServer

from conftest import Tenant
from support import run_async


async def _l1(run: Runner, company: str) -> None:
    got = await run.node("Get Company", {"company_id": company})
    await run.node("Update Company L1", {**L1_ANSWER, "company_id": got[0]["id"]})


async def _l2(run: Runner, company: str) -> None:
    got = await run.node("Read Company", {"company_id": company})
    await run.node("Save L2", {**L2_ANSWER, "id": got[0]["id"]})
    await run.node("Find Contacts", {**L2_ANSWER, "id": got[0]["id"]})


async def _person(run: Runner, contact: str) -> None:
    got = await run.node("Get Contact", {"contact_id": contact})
    parsed = {**PERSON_ANSWER, "contact_id": got[0]["id"]}
    run.outputs["Parse Person"] = parsed
    await run.node("Save Person", parsed)
    created = await run.node("Create Message", parsed)
    # Its input is Create Message's output, whose values sit under `fields`: the v1 append
    # reads $json['Contact'], finds nothing and, where Airtable stored an empty record, the
    # schema refuses a message without a contact (the converter warns: INPUT_SHAPE).
    with pytest.raises(asyncpg.NotNullViolationError, match=EXPECTED_ERROR[1]):
        await run.node("Append LinkedIn Note", created[0])


# the one node whose failure is expected, and the message n8n must give for it
EXPECTED_ERROR = ("Append LinkedIn Note", 'null value in column "contact_id"')


STEPS: dict[str, Callable[[Runner, str], Awaitable[None]]] = {
    "enrich_company_l1": _l1, "enrichment_l2_company": _l2, "person_enrichment_l2": _person}


async def _state(url: str, tenant: Tenant) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await tenant_state(conn, tenant.id)
    finally:
        await conn.close()


@pytest.mark.parametrize("name", list(SUBWORKFLOWS))
def test_subworkflow_runs_and_changes_what_the_runner_predicts(
        name: str, n8n: N8n, tenant: Tenant, database_url: str, samples: dict[str, str],
        stub: StubServer) -> None:
    key, wrapper_id, _, sample = SUBWORKFLOWS[name]
    record_id = samples[sample]
    workflow = converted(name)
    before = run_async(_state(database_url, tenant))
    predicted = changes(before, run_async(predict(
        database_url, tenant.id, workflow, lambda run: STEPS[name](run, record_id))))
    assert predicted.updated or predicted.inserted, "the prediction changes nothing"
    sent = len(stub.requests)
    result = n8n.execute(wrapper_id)
    after = run_async(_state(database_url, tenant))
    got = changes(before, after)
    error = node_error(result.json()) if "{\n" in result.out else result.tail()
    expected = EXPECTED_ERROR if name == "person_enrichment_l2" else None
    as_expected = (error is None and result.code == 0) if expected is None else (
        result.code == 1 and error is not None and expected[1] in error)
    report(workflow["name"], result.seconds, ("ok, " if expected is None else
           f"ok, stops at {expected[0]} as predicted, ") + got.summary()
           if as_expected and got == predicted else
           f"FAILED: {error or 'database differs from the prediction'}")
    assert as_expected, error
    assert [k for k, _ in stub.requests[sent:]] == [key]
    assert got.updated == predicted.updated
    assert got.inserted == predicted.inserted
    assert got.deleted == predicted.deleted == []
    touched = set(got.updated)
    assert digest(after, touched | (set(after) - set(before))) == digest(before, touched)
