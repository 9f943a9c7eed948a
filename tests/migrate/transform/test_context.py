"""The handlers and record rules work on the run's TransformContext (context.py), which the
Transformer builds; the customer-specific state lives in its CustomerState."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

from leadgen.airtable.snapshot import Snapshot
from leadgen.db.connect import connect
from leadgen.migrate.coverage import read_catalog
from leadgen.migrate.ledger import Ledger
from leadgen.migrate.mapping import load_mapping
from leadgen.migrate.transform import context, handlers, plan, records
from leadgen.migrate.transform.rules import row_id
from leadgen.migrate.transform.snapshot_rows import Transformer
from support.adversarial import ACME, ANTON, BETA, JANA, MICHAL
from support.adversarial import records as adversarial
from support.snapshots import make_snapshot

TENANT = uuid.UUID("00000000-0000-4000-8000-00000000c0de")


def imported_modules(path: str) -> set[str]:
    """Every module a file imports, `if TYPE_CHECKING:` blocks included."""
    tree = ast.parse(Path(path).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_handlers_and_rules_do_not_know_the_transformer() -> None:
    for module in (context, handlers, plan, records):
        assert module.__file__ is not None
        imported = imported_modules(module.__file__)
        assert "leadgen.migrate.transform.snapshot_rows" not in imported, module.__name__
    assert "leadgen.migrate.transform.context" in imported_modules(handlers.__file__ or "")


async def test_the_transformer_fills_its_context(database_url: str, tmp_path: Path) -> None:
    conn = await connect(database_url)
    try:
        catalog = await read_catalog(conn)
    finally:
        await conn.close()
    snap = Snapshot.open(make_snapshot(tmp_path / "adv", adversarial()))
    tr = Transformer(load_mapping(None, schema=snap.schema), catalog, TENANT, snap.base_id)
    list(tr.run(snap))
    ctx, customer = tr.context, tr.context.customer
    assert tr.ledger is ctx.ledger and tr.plans_columns is ctx.columns
    assert tr.batches is customer.batches
    michal, anton = row_id(TENANT, MICHAL), row_id(TENANT, ANTON)
    assert customer.owner_names.find("michal") == [michal]
    assert customer.owner_names.find("Anton") == [anton]
    assert customer.company_names.find("acme") == [row_id(TENANT, ACME)]
    assert ctx.loaded_ids("Owners") == {MICHAL: michal, ANTON: anton}
    assert {JANA, ACME, BETA} <= ctx.seen_records
    assert customer.table_names["contacts"] == "contacts"
    # Jana's legacy email cells are checked against her Messages
    assert row_id(TENANT, JANA) in customer.legacy_contacts
    assert ctx.columns_of("owners")[:3] == ("id", "tenant_id", "airtable_record_id")

    ledger = Ledger()  # process.py copies the child's ledger back onto the Transformer
    tr.ledger = ledger
    assert ctx.ledger is ledger
