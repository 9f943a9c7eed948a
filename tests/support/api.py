"""Helpers for the API and dashboard tests: principals, users and keys made with leadgen.admin,
clients, a free port."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass

import asyncpg
import httpx
from fastapi import FastAPI

from leadgen.admin.apikeys import create_api_key
from leadgen.admin.tenants import create_user
from leadgen.db.connect import admin_transaction
from leadgen.settings import Settings
from support.tenants import SeededTenant

PASSWORD = "correct horse battery"
CSRF = {"X-Requested-With": "leadgen"}


@dataclass
class Actor:
    """A way into the API as one principal of one tenant."""

    tenant: SeededTenant
    role: str
    email: str | None = None
    key: str | None = None


async def make_user(url: str, tenant_id: uuid.UUID, role: str,
                    owner_id: uuid.UUID | None = None) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.test"
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            user_id = await create_user(conn, tenant_id=tenant_id, email=email,
                                        password=PASSWORD, role=role)
            if owner_id is not None:
                await conn.execute("UPDATE users SET owner_id = $1 WHERE id = $2", owner_id,
                                   user_id)
    finally:
        await conn.close()
    return email


async def make_key(url: str, tenant_id: uuid.UUID, name: str = "n8n") -> str:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            _, new = await create_api_key(conn, tenant_id=tenant_id, name=name)
    finally:
        await conn.close()
    return new.key


def settings_for(database_url: str) -> Settings:
    return Settings(database_url=database_url, app_database_url=None, cookie_secure=False)


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                             base_url="http://testserver")


async def login(app: FastAPI, email: str) -> httpx.AsyncClient:
    """A client holding a session cookie of `email` and sending the CSRF header."""
    client = client_for(app)
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers.update(CSRF)
    return client


def key_client(app: FastAPI, key: str) -> httpx.AsyncClient:
    client = client_for(app)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


async def as_actor(app: FastAPI, actor: Actor) -> httpx.AsyncClient:
    if actor.key is not None:
        return key_client(app, actor.key)
    assert actor.email is not None
    return await login(app, actor.email)


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
