"""`leadgen db distribute`: the schema's tables on a Citus coordinator, by `tenant_id`.

Reads the catalog and distributes what Citus does not hold yet; idempotent, so `leadgen db
upgrade` runs it after the migrations whenever the database has the citus extension, and it
can run on its own when Citus arrives later (docs/tenancy.md, "Citus").

- every table with `tenant_id` is distributed by it, all in one co-location group, so a
  tenant's rows of every table live on one node and its queries are single-shard router
  queries (https://docs.citusdata.com/en/stable/sharding/data_modeling.html);
- `tenants`, `owners` and the credential tables (`users`, `sessions`, `api_keys`) become
  reference tables (a copy on every node): a credential is looked up by its hash or email
  before its tenant is known, so their keys without `tenant_id` (sessions' token hash,
  api_keys' prefix, users' email) stay unique and their lookups stay one-table reads; `owners`
  goes with them because `users` keeps `ON DELETE SET NULL (owner_id)` to it, which Citus
  refuses on a distributed table (it includes the distribution key) and allows between
  reference tables;
- the other tables (schema_migrations, login_failures) stay on the coordinator.

Citus refuses what the one-node schema uses in three places, and this rewrites them in forms
it accepts, in the same transaction as the distribution:
- a policy `tenant_id = (SELECT current_tenant_id())` (subqueries in policies are refused on
  distributed tables) becomes `tenant_id = current_tenant_id()`; one node keeps the subquery
  form, chosen there so the value is computed once per statement (docs/decisions.md);
- the composite foreign keys between tables not yet distributed are dropped, the tables
  distributed, and the keys created again (a local table may not reference a distributed one);
- triggers need `citus.enable_unsafe_triggers`: set for the database, so later migrations may
  add triggers too. They then fire on the worker that holds the shard, and reach only
  co-located shards there (https://docs.citusdata.com/en/stable/develop/reference_ddl.html);
  the pipeline-run NOTIFY trigger is dropped (a worker's NOTIFY is not heard on the
  coordinator and cannot be part of a two-phase commit): the API polls there.

Citus connects to the workers as the current role, so the roles that run DDL or COPY there
(`leadgen_owner`, `leadgen_loader`) get LOGIN; they still have no password, and the cluster's
node-to-node authentication (pg_hba / `citus.node_conninfo`) decides who may connect.
`SET LOCAL app.tenant_id` reaches the workers through `citus.propagate_set_commands = local`,
set for the database here. Citus replays such a SET on a worker by sending the whole query
string that held it, so on Citus a statement that must run once never shares a query string
with a SET LOCAL (`connect.request_transaction(separate_check=True)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from leadgen.db.citus_cluster import has_citus
from leadgen.db.connect import connect, dollar_quoted, quoted_identifier
from leadgen.errors import ConfigError, SchemaError
from leadgen.sql import queries

# The advisory lock of every schema change (upgrades, distribution, shard moves): never two at once
LOCK_KEY = 0x1EAD6E7

REFERENCE_TABLES = ("tenants", "owners", "users", "sessions", "api_keys")
DISTRIBUTION_COLUMN = "tenant_id"
SUBQUERY_FORM = "( SELECT current_tenant_id() AS current_tenant_id)"
FUNCTION_FORM = "current_tenant_id()"
WORKER_GRANTS = ("GRANT USAGE, CREATE ON SCHEMA public TO leadgen_owner",
                 "GRANT USAGE ON SCHEMA public TO leadgen_app, leadgen_admin, leadgen_loader")
DATABASE_SETTINGS = {"citus.propagate_set_commands": "local",
                     "citus.enable_unsafe_triggers": "on"}


@dataclass
class Distribution:
    """What one `distribute` did (all empty: everything was distributed already)."""

    distributed: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    foreign_keys: int = 0
    roles: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.distributed or self.reference or self.policies or self.roles)


async def distribute(url: str) -> Distribution:
    """Distribute what is not yet distributed on the Citus coordinator at `url`."""

    conn = await connect(url)
    try:
        if not await has_citus(conn):
            raise ConfigError(
                "this database has no citus extension: there is nothing to distribute",
                hint="run `CREATE EXTENSION citus` in it on the coordinator and every worker "
                     "and add the workers (citus_add_node), then `leadgen db distribute`")
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            return await distribute_on(conn)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await conn.close()


async def prepare_coordinator(conn: asyncpg.Connection) -> list[str]:
    """What must hold before any DDL runs on a coordinator (Citus propagates types, functions
    and roles to the workers as the current role): the node-to-node logins and the database's
    settings. Returns the roles given LOGIN."""
    roles = []
    for row in [r async for r in queries("citus/distribute").login_roles_needed(conn)]:
        await conn.execute(f"ALTER ROLE {quoted_identifier(row['name'])} LOGIN")
        roles.append(row["name"])
    database = quoted_identifier(await conn.fetchval("SELECT current_database()"))
    for name, value in DATABASE_SETTINGS.items():
        await conn.execute(f"ALTER DATABASE {database} SET {name} = '{value}'")
    await conn.execute("SET citus.enable_unsafe_triggers = on")
    # Citus replays a propagated SET LOCAL by sending the text of the whole query that held
    # it, and a migration file is one multi-statement query: this connection (the upgrade's)
    # propagates none, so a migration's `SET LOCAL app.audit` never re-runs the file there.
    await conn.execute("SET citus.propagate_set_commands = 'none'")
    # Citus creates an object's dependencies on the workers as the current role the first
    # time it propagates something that needs them: `CREATE SCHEMA IF NOT EXISTS public
    # AUTHORIZATION pg_database_owner` and the plpgsql extension, which the owner may not.
    # A plpgsql function created and dropped here by the connecting (super)user makes Citus
    # propagate both once and record them as its objects.
    await conn.execute(
        "CREATE FUNCTION public.leadgen_citus_probe() RETURNS int LANGUAGE plpgsql "
        "AS $probe$BEGIN RETURN 1; END$probe$; DROP FUNCTION public.leadgen_citus_probe()")
    # db/bootstrap_database.sql's schema grants ran before the schema was a Citus object.
    for statement in WORKER_GRANTS:
        await on_workers(conn, statement)
    return roles


async def on_workers(conn: asyncpg.Connection, statement: str) -> None:
    """Run one statement in this database on every worker; a failure on any stops here.

    Citus refuses DDL it would propagate on a worker ("operation is not allowed on this
    node"): these statements concern the worker itself, so its propagation is off for them."""
    wrapped = ("DO $citus$BEGIN PERFORM set_config('citus.enable_ddl_propagation', 'off', true); "
               f"EXECUTE {dollar_quoted(statement)}; END$citus$")
    for row in await conn.fetch("SELECT nodename, nodeport, success, result "
                                "FROM run_command_on_workers($1)", wrapped):
        if not row["success"]:
            raise SchemaError(
                f"on worker {row['nodename']}:{row['nodeport']}: {statement}: {row['result']}",
                hint="every worker needs the database, `CREATE EXTENSION citus` in it and the "
                     "leadgen roles (created by `leadgen db upgrade` on the coordinator)")


async def distribute_on(conn: asyncpg.Connection, roles: list[str] | None = None) -> Distribution:
    """`distribute` on a connection to a coordinator (the caller holds the upgrade lock);
    `roles`: those `prepare_coordinator` already gave LOGIN (else it runs here)."""
    q = queries("citus/distribute")
    done = Distribution()
    done.roles = await prepare_coordinator(conn) if roles is None else roles

    tables = {r["name"]: r async for r in q.tables(conn)}
    _check_kinds(tables)
    reference = [t for t in REFERENCE_TABLES if t in tables and tables[t]["method"] is None]
    hashed = [t for t, r in tables.items()
              if r["has_tenant_id"] and t not in REFERENCE_TABLES and r["method"] is None]
    if reference or hashed:
        async with conn.transaction():
            await _distribute_tables(conn, reference, hashed, tables, done)
    await _grant_replica_role_on_workers(conn)
    await _check_colocated(conn)
    return done


def _check_kinds(tables: dict[str, asyncpg.Record]) -> None:
    """A table already in Citus must be there in the form this module gives it."""
    for name, row in tables.items():
        wanted = "n" if name in REFERENCE_TABLES else "h" if row["has_tenant_id"] else None
        if row["method"] is not None and row["method"] != wanted:
            raise SchemaError(
                f"table {name} is already in Citus as method {row['method']!r}, "
                f"not {wanted or 'local'!r}",
                hint="undistribute it (undistribute_table) and run `leadgen db distribute`")


async def _distribute_tables(
    conn: asyncpg.Connection, reference: list[str], hashed: list[str],
    tables: dict[str, asyncpg.Record], done: Distribution,
) -> None:
    q = queries("citus/distribute")
    moving = reference + hashed
    await conn.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
    if "pipeline_runs" in moving:
        # Its NOTIFY (migration 0006) would fire on a worker, unheard by the API on the
        # coordinator, and PostgreSQL refuses to PREPARE a transaction that notified, which
        # is how Citus commits a write to several nodes: the API polls instead (api/events.py).
        await conn.execute("DROP TRIGGER IF EXISTS trg_pipeline_runs_notify ON pipeline_runs")
    for row in [r async for r in q.policies(conn)]:
        if row["table_name"] in moving and await _rewrite_policy(conn, row):
            done.policies.append(f"{row['table_name']}.{row['name']}")
    keys = [r async for r in q.foreign_keys_touching(conn, tables=moving)]
    for key in keys:
        await conn.execute(f"ALTER TABLE {quoted_identifier(key['table_name'])} "
                           f"DROP CONSTRAINT {quoted_identifier(key['name'])}")
    for name in reference:
        await conn.execute("SELECT create_reference_table($1)", name)
        done.reference.append(name)
    anchor = next((t for t, r in tables.items() if r["method"] == "h"), None)
    for name in hashed:
        await conn.execute("SELECT create_distributed_table($1, $2, colocate_with => $3)",
                           name, DISTRIBUTION_COLUMN, anchor or "default")
        anchor = anchor or name
        done.distributed.append(name)
    for key in keys:
        await conn.execute(f"ALTER TABLE {quoted_identifier(key['table_name'])} "
                           f"ADD CONSTRAINT {quoted_identifier(key['name'])} {key['definition']}")
    done.foreign_keys = len(keys)


async def _rewrite_policy(conn: asyncpg.Connection, row: asyncpg.Record) -> bool:
    """Recreate a subquery-form policy as `… = current_tenant_id()`; False if nothing to do."""
    qual, check = row["qual"], row["with_check"]
    if SUBQUERY_FORM not in (qual or "") + (check or ""):
        return False
    new_qual = qual.replace(SUBQUERY_FORM, FUNCTION_FORM) if qual else None
    new_check = check.replace(SUBQUERY_FORM, FUNCTION_FORM) if check else None
    for text in (new_qual, new_check):
        if text is not None and "SELECT" in text.upper():
            raise SchemaError(
                f"policy {row['name']} on {row['table_name']} has a subquery Citus refuses: "
                f"{text}", hint="rewrite it without a subquery in a new migration")
    statement = (f"ALTER POLICY {quoted_identifier(row['name'])} ON "
                 f"{quoted_identifier(row['table_name'])}")
    if new_qual is not None:
        statement += f" USING ({new_qual})"
    if new_check is not None:
        statement += f" WITH CHECK ({new_check})"
    await conn.execute(statement)
    return True


async def _grant_replica_role_on_workers(conn: asyncpg.Connection) -> None:
    """The owner's right to set session_replication_role (db/bootstrap.sql) on every worker:
    the migration loader's SET LOCAL travels there with the statements."""
    granted = await conn.fetchval(
        "SELECT has_parameter_privilege('leadgen_owner', 'session_replication_role', 'SET')")
    if granted:
        await on_workers(conn, "GRANT SET ON PARAMETER session_replication_role TO leadgen_owner")


async def _check_colocated(conn: asyncpg.Connection) -> None:
    groups = await conn.fetchval(
        "SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE partmethod = 'h' "
        "AND logicalrelid::regclass::text IN (SELECT relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public')")
    if groups > 1:
        raise SchemaError(
            f"the tenant tables are in {groups} co-location groups, not one",
            hint="a tenant's rows must live on one node: update_distributed_table_colocation "
                 "each table with the others, then run `leadgen db distribute`")
