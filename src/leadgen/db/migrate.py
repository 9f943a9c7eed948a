"""The schema migration runner: plain SQL files applied in order, recorded with a checksum.

Why not a library (yoyo, alembic, asyncpg-trek): each file must run as the owner role (SET
ROLE) after a bootstrap that creates the cluster-wide roles, in one transaction per file, over
asyncpg — about 100 lines here against a second database driver or an ORM there.

- `db/bootstrap.sql` (roles) and `db/bootstrap_database.sql` (grants) run first, every time;
- `db/migrations/NNNN_name.sql` apply in name order, each in its own transaction, as
  `leadgen_owner`, and are recorded in `schema_migrations` with their sha256;
- re-running applies nothing; an applied file whose checksum changed stops the upgrade,
  unless `superseded_checksums.json` lists the recorded checksum as an earlier text of that file
  that differs only in comments (`db/superseded.py`): then the record takes the new checksum.
An advisory lock keeps two upgrades from racing. On a Citus coordinator (the database has
the citus extension) the upgrade then distributes what is not distributed yet
(`db/distribute.py`), so a migration's new table joins the cluster with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import asyncpg

from leadgen.db import superseded as superseded_checksums
from leadgen.db.citus_cluster import has_citus
from leadgen.db.connect import OWNER_ROLE, connect
from leadgen.db.distribute import LOCK_KEY, Distribution, distribute_on, prepare_coordinator
from leadgen.errors import SchemaError

LOGIN_ROLES = ("leadgen_app", "leadgen_admin")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def _read(name: str) -> str:
    return resources.files("leadgen.db").joinpath(name).read_text("utf-8")


def available_migrations() -> list[Migration]:
    folder = resources.files("leadgen.db").joinpath("migrations")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            version, _, rest = entry.name.partition("_")
            found.append(Migration(version, rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return found


async def applied_migrations(conn: asyncpg.Connection) -> dict[str, str]:
    exists = await conn.fetchval("SELECT to_regclass('public.schema_migrations') IS NOT NULL")
    if not exists:
        return {}
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations")
    return {r["version"]: r["checksum"] for r in rows}


async def upgrade(
    url: str, migrations: list[Migration] | None = None, *,
    role_passwords: dict[str, str] | None = None,
    superseded: dict[str, list[superseded_checksums.Superseded]] | None = None,
    on_distributed: Callable[[Distribution], None] | None = None,
) -> list[Migration]:
    """Apply pending migrations; return those applied (empty when up to date).

    `role_passwords` ({"leadgen_app": …, "leadgen_admin": …}) sets the login roles' passwords,
    for servers that use password auth (APP_ROLE_PASSWORD / ADMIN_ROLE_PASSWORD).
    `superseded` defaults to the shipped `superseded_checksums.json`.
    On Citus, `on_distributed` receives what the distribution step did.
    """
    migrations = available_migrations() if migrations is None else migrations
    superseded = superseded_checksums.load() if superseded is None else superseded
    conn = await connect(url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            citus = await has_citus(conn)
            roles: list[str] = []
            applied = await _upgrade_locked(conn, migrations, superseded,
                                            roles if citus else None)
            for role, password in (role_passwords or {}).items():
                if role not in LOGIN_ROLES:
                    raise SchemaError(f"unknown login role {role!r}")
                # ALTER ROLE takes no bind parameters: quote the literal in the server.
                statement = await conn.fetchval(
                    "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                    role, password)
                await conn.execute(statement)
            if citus:
                distribution = await distribute_on(conn, roles)
                if on_distributed is not None:
                    on_distributed(distribution)
            return applied
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await conn.close()


async def _upgrade_locked(
    conn: asyncpg.Connection, migrations: list[Migration],
    superseded: dict[str, list[superseded_checksums.Superseded]],
    citus_roles: list[str] | None,
) -> list[Migration]:
    """`citus_roles` (on a Citus coordinator): receives the roles given LOGIN there."""
    try:
        await conn.execute(_read("bootstrap.sql"))
        await conn.execute(_read("bootstrap_database.sql"))
    except asyncpg.InsufficientPrivilegeError as exc:
        raise SchemaError(
            f"cannot create the leadgen roles: {exc}",
            hint="run `leadgen db upgrade` once with a DATABASE_URL that has CREATEROLE",
        ) from exc
    if citus_roles is not None:
        citus_roles.extend(await prepare_coordinator(conn))
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    text PRIMARY KEY,
                 name       text NOT NULL,
                 checksum   text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())"""
        )
    applied = await applied_migrations(conn)
    reworded: list[Migration] = []
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded is None or recorded == migration.checksum:
            continue
        if superseded_checksums.accepts(
                superseded.get(migration.version, []), recorded, migration.sql):
            reworded.append(migration)
        else:
            raise SchemaError(
                f"migration {migration.version}_{migration.name}.sql was changed after it was "
                "applied (checksum mismatch)",
                hint="never edit an applied migration: restore it and add a new numbered file",
            )
    if reworded:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
            await conn.executemany(
                "UPDATE schema_migrations SET checksum = $2 WHERE version = $1",
                [(m.version, m.checksum) for m in reworded])
    done: list[Migration] = []
    for migration in migrations:
        if migration.version in applied:
            continue
        async with conn.transaction():
            await conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
            try:
                await conn.execute(migration.sql)
            except asyncpg.PostgresError as exc:
                raise SchemaError(
                    f"migration {migration.version}_{migration.name}.sql failed: {exc}",
                    hint="nothing of this file was applied; fix it and run `leadgen db upgrade`",
                ) from exc
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
        done.append(migration)
    return done
