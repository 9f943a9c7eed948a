"""The n8n tier: the converted workflows imported into, and run by, a real n8n 2.41.1.

It runs under `./dev test-n8n`, which installs n8n once into a cache (scripts/n8n-install.sh)
and names it in LEADGEN_N8N_HOME; anywhere else every test here skips with one line. The
tenant is migrated from a generated base into this pytest run's own database; n8n reaches it
through a credential imported with `n8n import:credentials` for the application role
`leadgen_app` (row level security applies, as in production). Everything is imported once
(one `import:workflow`), the workflows n8n runs are published, and one `n8n start` serves
the webhook tests.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from leadgen.airtable.generate import generate_base, write_generated
from leadgen.db.connect import APP_ROLE
from leadgen.migrate import migrate_snapshot
from support import run_async
from support.tenants import new_tenant

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_workflows import ANSWERS, CREDENTIAL, PG_DOWN, WRONG_ROLE, deployment
from n8n_cli import N8n, cache_dir, free_port
from stub_server import StubServer

WEBHOOK_SECRET = "leadgen-tier-webhook-secret"
SKIP = "n8n tier: runs under ./dev test-n8n (n8n 2.41.1 from the cache it installs)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "n8n: runs the workflows in a real n8n (./dev test-n8n)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().parent == here:
            item.add_marker(pytest.mark.n8n)


@pytest.fixture(scope="session")
def n8n_home() -> Path:
    home = cache_dir()
    if home is None:
        pytest.skip(SKIP)
    return home


@dataclass
class Tenant:
    id: uuid.UUID
    slug: str
    app_url: str


@pytest.fixture(scope="session")
def tenant(n8n_home: Path, database_url: str, app_url: str,
           tmp_path_factory: pytest.TempPathFactory) -> Tenant:
    """A tenant migrated from a generated base (24 companies, seed 7)."""
    snap = tmp_path_factory.mktemp("n8n-base") / "snapshot"
    write_generated(snap, generate_base(24, 7))
    slug, tenant_id = run_async(new_tenant(database_url, "n8n"))
    run_async(migrate_snapshot(database_url, snap, slug))
    return Tenant(tenant_id, slug, app_url)


def credential_for(url: str, **override: Any) -> dict[str, Any]:
    """An n8n import:credentials entry for a PostgreSQL URL (as leadgen_app by default)."""
    parts = urlsplit(url)
    data = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
            "database": parts.path.lstrip("/"), "user": parts.username or APP_ROLE,
            "password": parts.password or "", "ssl": "disable",
            "allowUnauthorizedCerts": False, "maxConnections": 5}
    data.update(override)
    return {**CREDENTIAL, "type": "postgres", "data": data}


@pytest.fixture(scope="session")
def stub() -> Iterator[StubServer]:
    with StubServer(ANSWERS) as server:
        yield server


@pytest.fixture(scope="session")
def samples(tenant: Tenant, database_url: str) -> dict[str, str]:
    """A new company of some batch, another company, and a contact with company, owner,
    batch and email: the single records the sub-workflows run on."""
    async def pick() -> dict[str, str]:
        conn = await asyncpg.connect(database_url)
        try:
            company = await conn.fetchval(
                "SELECT airtable_record_id FROM companies WHERE tenant_id = $1 "
                "AND status = 'new' AND batch_id IS NOT NULL ORDER BY name, id LIMIT 1",
                tenant.id)
            l2_company = await conn.fetchval(
                "SELECT airtable_record_id FROM companies WHERE tenant_id = $1 "
                "AND airtable_record_id <> $2 ORDER BY name DESC, id LIMIT 1", tenant.id, company)
            contact = await conn.fetchval(
                "SELECT airtable_record_id FROM contacts WHERE tenant_id = $1 "
                "AND company_id IS NOT NULL AND owner_id IS NOT NULL AND batch_id IS NOT NULL "
                "AND email_address <> '' ORDER BY full_name, id LIMIT 1", tenant.id)
        finally:
            await conn.close()
        assert company and l2_company and contact
        return {"company": company, "l2_company": l2_company, "contact": contact}
    return run_async(pick())


@pytest.fixture(scope="session")
def n8n(n8n_home: Path, tenant: Tenant, stub: StubServer, samples: dict[str, str],
        tmp_path_factory: pytest.TempPathFactory) -> N8n:
    """An n8n with its own user folder, the tenant and webhook secret in its environment, the
    credentials (app role; plus a wrong role and a closed port for the fault tests) and every
    workflow imported, the ones it runs published."""
    workdir = tmp_path_factory.mktemp("n8n")
    instance = N8n(n8n_home, workdir, {"LEADGEN_TENANT_ID": str(tenant.id),
                                       "LEADGEN_WEBHOOK_SECRET": WEBHOOK_SECRET,
                                       "N8N_BLOCK_ENV_ACCESS_IN_NODE": "false",
                                       # `publish:workflow` sets the active version; with the
                                       # publication service on (2.x default) sub-workflow
                                       # calls read a table only a running server fills, so
                                       # `n8n execute` would find no published sub-workflow
                                       "N8N_USE_WORKFLOW_PUBLICATION_SERVICE": "false"})
    instance.import_credentials([
        credential_for(tenant.app_url),
        {**credential_for(tenant.app_url, user="leadgen_nobody"), **WRONG_ROLE},
        {**credential_for(tenant.app_url, port=free_port()), **PG_DOWN}])
    workflows, publish = deployment(stub, samples)
    instance.import_workflows(workflows)
    with ThreadPoolExecutor(len(publish)) as pool:
        list(pool.map(instance.publish, publish))
    return instance


@pytest.fixture(scope="session")
def n8n_url(n8n: N8n) -> Iterator[str]:
    """`n8n start` serving the published webhooks (orchestrator, progress store)."""
    with n8n.serving() as url:
        yield url


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per workflow run: its name, n8n's run time and the result."""
    from predict import LINES

    if LINES:
        terminalreporter.section("n8n 2.41.1 runs")
        for line in LINES:
            terminalreporter.write_line(line)
