"""The migration runner: in order, once, recorded with checksums; changed files stop it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import asyncpg
import pytest

from leadgen.db import migrate, superseded
from leadgen.errors import SchemaError
from support import run_async


async def _versions(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r["version"] for r in await conn.fetch(
            "SELECT version FROM schema_migrations ORDER BY version")]
    finally:
        await conn.close()


def test_upgrade_applies_all_once(scratch_database: Callable[[], str]) -> None:
    url = scratch_database()
    first = run_async(migrate.upgrade(url))
    assert [m.version for m in first] == [m.version for m in migrate.available_migrations()]
    assert run_async(migrate.upgrade(url)) == []
    assert run_async(_versions(url)) == [m.version for m in first]


def test_changed_applied_migration_stops_upgrade(scratch_database: Callable[[], str]) -> None:
    url = scratch_database()
    base = [migrate.Migration("0001", "one", "CREATE TABLE one (id int);")]
    run_async(migrate.upgrade(url, base))
    changed = [migrate.Migration("0001", "one", "CREATE TABLE one (id bigint);"),
               migrate.Migration("0002", "two", "CREATE TABLE two (id int);")]
    with pytest.raises(SchemaError, match=r"0001_one\.sql was changed"):
        run_async(migrate.upgrade(url, changed))
    assert run_async(_versions(url)) == ["0001"]  # nothing after the mismatch was applied


async def _checksums(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(url)
    try:
        return await migrate.applied_migrations(conn)
    finally:
        await conn.close()


async def _record_checksum(url: str, version: str, checksum: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE schema_migrations SET checksum = $2 WHERE version = $1", version, checksum)
    finally:
        await conn.close()


def _listed(version: str, old_sql: str) -> dict[str, list[superseded.Superseded]]:
    return {version: [superseded.Superseded(
        version, hashlib.sha256(old_sql.encode("utf-8")).hexdigest(),
        superseded.statements_checksum(old_sql), "comments reworded")]}


def test_reworded_comments_upgrade_and_take_the_new_checksum(
        scratch_database: Callable[[], str]) -> None:
    url = scratch_database()
    old = migrate.Migration("0001", "one", "-- see a note\nCREATE TABLE one (id int);\n")
    run_async(migrate.upgrade(url, [old]))
    new = migrate.Migration("0001", "one", "-- why, in words\n--\nCREATE TABLE one (id int);\n")
    later = migrate.Migration("0002", "two", "CREATE TABLE two (id int);")
    applied = run_async(migrate.upgrade(url, [new, later], superseded=_listed("0001", old.sql)))
    assert [m.version for m in applied] == ["0002"]
    assert run_async(_checksums(url))["0001"] == new.checksum
    assert run_async(migrate.upgrade(url, [new, later], superseded={})) == []  # no list needed now


def test_listed_checksum_does_not_excuse_a_changed_statement(
        scratch_database: Callable[[], str]) -> None:
    url = scratch_database()
    old = migrate.Migration("0001", "one", "-- see a note\nCREATE TABLE one (id int);\n")
    run_async(migrate.upgrade(url, [old]))
    changed = migrate.Migration("0001", "one", "-- why\nCREATE TABLE one (id bigint);\n")
    with pytest.raises(SchemaError, match=r"0001_one\.sql was changed"):
        run_async(migrate.upgrade(url, [changed], superseded=_listed("0001", old.sql)))
    assert run_async(_checksums(url))["0001"] == old.checksum


def test_database_upgraded_before_the_comment_rewording_still_upgrades(
        fresh_database: Callable[[], str]) -> None:
    url = fresh_database()
    shipped = superseded.load()
    assert shipped, "the shipped list is empty: nothing here would be tested"
    for version, entries in shipped.items():  # as a database upgraded with the old text has it
        run_async(_record_checksum(url, version, entries[0].sha256))
    assert run_async(migrate.upgrade(url)) == []
    current = {m.version: m.checksum for m in migrate.available_migrations()}
    recorded = run_async(_checksums(url))
    assert {v: recorded[v] for v in shipped} == {v: current[v] for v in shipped}


def test_shipped_superseded_entries_match_the_current_files() -> None:
    files = {m.version: m for m in migrate.available_migrations()}
    for version, entries in superseded.load().items():
        for entry in entries:
            assert entry.sha256 != files[version].checksum
            assert entry.statements_sha256 == superseded.statements_checksum(files[version].sql)


def test_failed_migration_applies_nothing_of_itself(scratch_database: Callable[[], str]) -> None:
    url = scratch_database()
    bad = [migrate.Migration("0001", "ok", "CREATE TABLE ok (id int);"),
           migrate.Migration("0002", "bad", "CREATE TABLE half (id int); SELECT nonsense;")]
    with pytest.raises(SchemaError, match=r"0002_bad\.sql failed"):
        run_async(migrate.upgrade(url, bad))

    async def has_half() -> bool:
        conn = await asyncpg.connect(url)
        try:
            return bool(await conn.fetchval("SELECT to_regclass('half') IS NOT NULL"))
        finally:
            await conn.close()

    assert run_async(_versions(url)) == ["0001"]
    assert not run_async(has_half())


def test_tables_are_owned_by_the_owner_role(database_url: str) -> None:
    async def owners() -> set[str]:
        conn = await asyncpg.connect(database_url)
        try:
            return {r["tableowner"] for r in await conn.fetch(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
        finally:
            await conn.close()

    assert run_async(owners()) == {"leadgen_owner"}


def test_login_role_passwords_are_set(fresh_database: Callable[[], str]) -> None:
    url = fresh_database()
    run_async(migrate.upgrade(url, role_passwords={"leadgen_app": "s3cret-'quote"}))

    async def has_password() -> bool:
        conn = await asyncpg.connect(url)
        try:
            return bool(await conn.fetchval(
                "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'leadgen_app'"))
        finally:
            await conn.close()

    try:
        assert run_async(has_password())
        with pytest.raises(SchemaError, match="unknown login role"):
            run_async(migrate.upgrade(url, role_passwords={"postgres": "x"}))
    finally:  # roles are cluster-wide: leave the test server as we found it (trust auth)
        async def clear() -> None:
            conn = await asyncpg.connect(url)
            try:
                await conn.execute("ALTER ROLE leadgen_app PASSWORD NULL")
            finally:
                await conn.close()

        run_async(clear())
