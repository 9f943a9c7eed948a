"""Named, parameterised SQL kept in .sql files and loaded with aiosql (asyncpg driver).

`queries("admin")` loads sql/admin.sql; `queries("api/messages")` loads sql/api/messages.sql.
The same files serve the API, the CLI and (through docs/n8n) the n8n Postgres nodes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import aiosql


@cache
def queries(name: str) -> Any:
    """The aiosql query collection of `sql/<name>.sql` (cached)."""
    text = resources.files("leadgen.sql").joinpath(f"{name}.sql").read_text("utf-8")
    return aiosql.from_str(text, "asyncpg", mandatory_parameters=False)


def sql_text(name: str) -> str:
    """The raw text of `sql/<name>.sql` (for documents that show the queries)."""
    return resources.files("leadgen.sql").joinpath(f"{name}.sql").read_text("utf-8")
