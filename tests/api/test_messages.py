"""The review queue: listing in score order, ETags, 428/412, review actions, machine writes."""

from __future__ import annotations

import asyncio
import random
import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from leadgen.db.connect import admin_transaction
from support.api import key_client, login, make_key, make_user
from support.tenants import SeededTenant, add_messages


@pytest.fixture(scope="module")
async def reviewer(api: FastAPI, database_url: str,
                   seeded: tuple[SeededTenant, SeededTenant]) -> httpx.AsyncClient:
    email = await make_user(database_url, seeded[0].id, "reviewer", seeded[0].ids["owners"])
    return await login(api, email)


async def test_queue_is_sorted_by_score_and_pages_with_a_cursor(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    tenant = seeded[0]
    await add_messages(database_url, tenant, [5, 90, None, 42, 90, 7])
    owner = str(tenant.ids["owners"])
    seen: list[dict[str, object]] = []
    cursor = None
    while True:
        params = {"owner_id": owner, "status": "draft", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await reviewer.get("/api/messages", params=params)).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # the seeded message (a contact without a score) and ours, best first, nulls last
    assert [m["contact_score"] for m in seen] == [90, 90, 42, 7, 5, None, None]
    assert len({m["id"] for m in seen}) == 7
    counts = (await reviewer.get("/api/messages/counts", params={"owner_id": owner})).json()
    assert counts["draft"] == 7 and counts["approved"] == 0 and set(counts) >= {"replied"}


async def test_edit_needs_if_match_and_refuses_a_stale_version(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    [message_id] = await add_messages(database_url, seeded[0], [50])
    got = await reviewer.get(f"/api/messages/{message_id}")
    assert got.headers["etag"] == '"1"' and got.json()["version"] == 1
    missing = await reviewer.patch(f"/api/messages/{message_id}", json={"body": "x"})
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    ok = await reviewer.patch(f"/api/messages/{message_id}", json={"body": "Better"},
                              headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    assert ok.json()["body"] == "Better"
    stale = await reviewer.patch(f"/api/messages/{message_id}", json={"body": "Lost"},
                                 headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "version_conflict"
    assert stale.json()["current"]["body"] == "Better"


async def test_two_reviewers_one_wins(api: FastAPI, database_url: str,
                                     seeded: tuple[SeededTenant, SeededTenant],
                                     reviewer: httpx.AsyncClient) -> None:
    [message_id] = await add_messages(database_url, seeded[0], [60])
    other = await login(api, await make_user(database_url, seeded[0].id, "reviewer"))
    first, second = await asyncio.gather(
        reviewer.patch(f"/api/messages/{message_id}", json={"body": "A"},
                       headers={"If-Match": '"1"'}),
        other.patch(f"/api/messages/{message_id}", json={"body": "B"},
                    headers={"If-Match": '"1"'}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]


async def test_a_hundred_concurrent_edits_lose_nothing(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    [message_id] = await add_messages(database_url, seeded[0], [70])
    url = f"/api/messages/{message_id}"

    async def append(i: int) -> int:
        tries = 0
        current = (await reviewer.get(url)).json()
        while True:
            tries += 1
            r = await reviewer.patch(url, json={"body": current["body"] + f"[{i}]"},
                                     headers={"If-Match": f'"{current["version"]}"'})
            if r.status_code == 200:
                return tries
            assert r.status_code == 412, r.text
            current = r.json()["current"]
            await asyncio.sleep(random.uniform(0, 0.02 * 2 ** min(tries, 7)))  # back off

    tries = await asyncio.gather(*(append(i) for i in range(100)))
    final = (await reviewer.get(url)).json()
    assert final["version"] == 101
    assert all(f"[{i}]" in final["body"] for i in range(100))
    assert max(tries) > 1  # the edits really did collide


async def test_review_actions(api: FastAPI, database_url: str,
                              seeded: tuple[SeededTenant, SeededTenant],
                              reviewer: httpx.AsyncClient) -> None:
    a, b, c = await add_messages(database_url, seeded[0], [10, 20, 30])
    approved = await reviewer.post(f"/api/messages/{a}/approve", json={"notes": "good"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["approved_at"]
    stale = await reviewer.post(f"/api/messages/{a}/undo", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    undone = await reviewer.post(f"/api/messages/{a}/undo")
    assert undone.json()["status"] == "draft" and undone.json()["approved_at"] is None
    no_notes = await reviewer.post(f"/api/messages/{b}/reject", json={})
    assert no_notes.status_code == 422
    rejected = await reviewer.post(f"/api/messages/{b}/reject", json={"notes": "too long"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["review_notes"] == "too long"
    ghost = str(uuid.uuid4())
    bulk = (await reviewer.post("/api/messages/bulk-approve",
                                json={"ids": [a, b, c, ghost]})).json()
    assert sorted(bulk["approved"]) == sorted([a, c])
    assert {s["id"]: s["reason"] for s in bulk["skipped"]} == {b: "not_draft",
                                                               ghost: "not_found"}


async def test_machine_creates_and_deletes_but_cannot_review(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = seeded[0]
    machine = key_client(api, await make_key(database_url, tenant.id))
    created = await machine.post("/api/messages", json={
        "contact_id": str(tenant.ids["contacts"]), "channel": "linkedin_connect",
        "body": "Hello from n8n", "generation_cost_usd": 0.0123})
    assert created.status_code == 201, created.text
    message = created.json()
    assert message["owner_id"] == str(tenant.ids["owners"]) and message["status"] == "draft"
    assert message["contact_name"] == "Jana Nováková"
    refused = await machine.post(f"/api/messages/{message['id']}/approve")
    assert refused.status_code == 403
    deleted = await machine.delete(f"/api/messages/{message['id']}")
    assert deleted.status_code == 204
    assert (await machine.get(f"/api/messages/{message['id']}")).status_code == 404


async def test_counts_survive_a_message_without_status(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    """A migrated message whose Airtable Status was empty has a NULL status (bug: 500)."""
    [message_id] = await add_messages(database_url, seeded[0], [12])
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            await conn.execute("UPDATE messages SET status = NULL WHERE id = $1",
                               uuid.UUID(message_id))
    finally:
        await conn.close()
    owner = str(seeded[0].ids["owners"])
    response = await reviewer.get("/api/messages/counts", params={"owner_id": owner})
    assert response.status_code == 200
    assert None not in response.json() and "null" not in response.json()
