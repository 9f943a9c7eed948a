"""schemathesis against the OpenAPI document: no 5xx, no response outside its documented schema.

Runs against a real uvicorn (`live_url`) with a tenant-admin API key of a tenant of its own;
examples per operation are bounded so the whole walk stays well under three minutes.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from leadgen.admin.apikeys import create_api_key
from leadgen.db.connect import admin_transaction
from support import run_async
from support.tenants import seed_tenant

MAX_EXAMPLES = 10


async def _tenant_admin_key(url: str) -> str:
    import asyncpg

    tenant = await seed_tenant(url, f"fuzz-{uuid.uuid4().hex[:6]}")
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            _, new = await create_api_key(conn, tenant_id=tenant.id, name="fuzz",
                                          role="tenant_admin")
    finally:
        await conn.close()
    return new.key


@pytest.fixture(scope="module")
def fuzz_headers(database_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {run_async(_tenant_admin_key(database_url))}"}


@pytest.fixture(scope="module")
def api_schema(live_url: str) -> Any:
    loaded = schemathesis.openapi.from_url(f"{live_url}/openapi.json")
    # logging in/out is exercised by test_auth (Argon2 per example would dominate the budget)
    return loaded.exclude(path_regex=r"^/api/auth/log(in|out)$")


def _check_operation(operation: Any, headers: dict[str, str], mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, timeout=20, excluded_checks=excluded)

    # An opaque cursor cannot be generated (a random one is rightly refused with 400), and an
    # edit without If-Match is refused with 428 by design: the check does not know either.
    names = {p.name.lower() for p in operation.iter_parameters()}
    excluded = [positive_data_acceptance] if names & {"cursor", "if-match"} else []

    run()


def test_api_conforms_to_its_schema(api_schema: Any, fuzz_headers: dict[str, str]) -> None:
    """Positive and negative examples for every operation; failures are collected, not fatal."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 35
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _check_operation(operation, fuzz_headers, mode)
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
