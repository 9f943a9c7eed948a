"""`leadgen verify`: prove a tenant's PostgreSQL data equals an Airtable snapshot.

    await verify_tenant(url, snapshot, tenant_slug, ...) -> VerifyReport   tenant.py

rows.py compares every expected row with PostgreSQL's (the same diff `leadgen sync` applies),
queries.py and library.py run the workflow queries on both sides, mapped.py and base_view.py
give the formula engine the snapshot as Airtable answers and as the mapping loaded it,
report.py is what a person and a machine read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadgen.lazy import lazy_exports

if TYPE_CHECKING:
    from leadgen.verify.report import VerifyReport
    from leadgen.verify.tenant import verify_tenant
else:
    __getattr__ = lazy_exports(__name__, {"VerifyReport": "leadgen.verify.report",
                                          "verify_tenant": "leadgen.verify.tenant"})

__all__ = ["VerifyReport", "verify_tenant"]
