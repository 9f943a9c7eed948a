"""API keys for machine clients: `lg_<prefix>_<secret>`; only sha256(secret) is stored.

The prefix is public (it identifies the key in lists and finds its row); the secret is random
and high-entropy, so a fast hash is enough: a slow password hash only guards guessable secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from leadgen.sql import queries

KEY_PREFIX = "lg"


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    prefix: str
    secret_hash: bytes


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


def generate_key() -> NewKey:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(f"{KEY_PREFIX}_{prefix}_{secret}", prefix, hash_secret(secret))


def split_key(key: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def secret_matches(secret: str, stored_hash: bytes) -> bool:
    return hmac.compare_digest(hash_secret(secret), bytes(stored_hash))


async def create_api_key(
    conn: asyncpg.Connection, *, tenant_id: UUID, name: str, role: str = "machine",
    created_by: str | None = None,
) -> tuple[UUID, NewKey]:
    """Insert a key for `tenant_id` (inside a tenant or admin transaction); return id and key."""
    new = generate_key()
    key_id: UUID = await queries("admin").create_api_key(
        conn, tenant_id=tenant_id, name=name, prefix=new.prefix, secret_hash=new.secret_hash,
        role=role, created_by=created_by,
    )
    return key_id, new
