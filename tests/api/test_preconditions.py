"""If-Match on every route that takes it: RFC 9110 section 13.1.1 evaluation, section 8.8.3
grammar (https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI

from leadgen.api.errors import ApiError
from leadgen.api.preconditions import EntityTag, IfMatch, parse_if_match
from support.api import login, make_user
from support.tenants import SeededTenant, add_messages


@pytest.fixture(scope="module")
async def reviewer(api: FastAPI, database_url: str,
                   seeded: tuple[SeededTenant, SeededTenant]) -> httpx.AsyncClient:
    email = await make_user(database_url, seeded[0].id, "reviewer", seeded[0].ids["owners"])
    return await login(api, email)


def test_the_grammar_of_if_match() -> None:
    assert parse_if_match([]) is None
    assert parse_if_match(["*"]) == IfMatch(any=True, tags=())
    assert parse_if_match([' "3" , W/"7",, "x-y"', '"7"']) == IfMatch(any=False, tags=(
        EntityTag("3", weak=False), EntityTag("7", weak=True), EntityTag("x-y", weak=False),
        EntityTag("7", weak=False)))
    assert parse_if_match([""]) == IfMatch(any=False, tags=())  # `#entity-tag` may be empty
    for bad in ("7", '"7', 'W/ "7"', 'w/"7"', '"a"b', '"a" "b"', "*, \"7\"", '"sp ace"'):
        with pytest.raises(ApiError) as caught:
            parse_if_match([bad])
        assert caught.value.status == 400 and caught.value.code == "invalid_if_match", bad


def test_if_match_compares_strongly() -> None:
    condition = parse_if_match(['W/"7", "3"'])
    assert condition is not None
    assert not condition.matches("7") and condition.matches("3")
    assert parse_if_match(["*"]).matches("anything")  # type: ignore[union-attr]
    assert not IfMatch(any=False, tags=()).matches("7")


async def test_edit_evaluates_if_match(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    [message_id] = await add_messages(database_url, seeded[0], [51])
    url = f"/api/messages/{message_id}"

    async def patch(body: str, *if_match: str) -> httpx.Response:
        return await reviewer.patch(url, json={"body": body},
                                    headers=[("If-Match", v) for v in if_match])

    missing = await patch("x")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"

    stale = await patch("x", '"0-stale"')
    assert stale.status_code == 412, stale.text
    assert stale.json()["error"]["code"] == "version_conflict"
    assert stale.json()["current"]["version"] == 1 and stale.headers["etag"] == '"1"'

    weak = await patch("x", 'W/"1"')  # the current version, but weak: never a strong match
    assert weak.status_code == 412 and weak.json()["current"]["body"] == "Hi"

    listed = await patch("from a list", '"0-stale", "1"')
    assert listed.status_code == 200 and listed.headers["etag"] == '"2"'
    assert listed.json()["body"] == "from a list"

    two_lines = await patch("two field lines", '"0-stale"', '"2"')  # RFC 9110 section 5.3
    assert two_lines.status_code == 200 and two_lines.json()["version"] == 3

    star = await patch("any version", "*")
    assert star.status_code == 200 and star.json()["version"] == 4

    for malformed in ("4", '"4', "garbage"):
        bad = await patch("never saved", malformed)
        assert bad.status_code == 400, malformed
        assert bad.json()["error"]["code"] == "invalid_if_match"
        assert '"4"' in bad.json()["error"]["hint"] or "quoted" in bad.json()["error"]["hint"]
    assert (await reviewer.get(url)).json()["body"] == "any version"

    ghost = f"/api/messages/{uuid.uuid4()}"
    for value in ("*", '"1"'):
        gone = await reviewer.patch(ghost, json={"body": "x"}, headers={"If-Match": value})
        assert gone.status_code == 404, value  # no message: 404 before any precondition


async def test_review_actions_evaluate_an_optional_if_match(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    [message_id] = await add_messages(database_url, seeded[0], [52])
    base = f"/api/messages/{message_id}"

    async def act(action: str, *if_match: str) -> httpx.Response:
        body = {"notes": "why"} if action == "reject" else None
        return await reviewer.post(f"{base}/{action}", json=body,
                                   headers=[("If-Match", v) for v in if_match])

    weak = await act("approve", 'W/"1"')
    assert weak.status_code == 412 and weak.json()["current"]["status"] == "draft"
    stale = await act("approve", '"0-stale"')
    assert stale.status_code == 412
    approved = await act("approve", '"0-stale", "1"')
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    rejected = await act("reject", "*")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    bad = await act("undo", "3")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_if_match"
    undone = await act("undo")  # no If-Match: no precondition
    assert undone.status_code == 200 and undone.json()["status"] == "draft"
    again = await act("undo", f'"{undone.json()["version"]}"')  # already there: nothing to do
    assert again.status_code == 200 and again.json()["version"] == undone.json()["version"]
    ghost = await reviewer.post(f"/api/messages/{uuid.uuid4()}/approve",
                                headers={"If-Match": "*"})
    assert ghost.status_code == 404


async def test_concurrent_edits_with_a_star_all_apply(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    # `*` holds for every version, so a change that lands first never makes another fail
    [message_id] = await add_messages(database_url, seeded[0], [53])
    url = f"/api/messages/{message_id}"
    answers = await asyncio.gather(*(
        reviewer.patch(url, json={"review_notes": f"note {i}"}, headers={"If-Match": "*"})
        for i in range(20)))
    assert [r.status_code for r in answers] == [200] * 20
    assert (await reviewer.get(url)).json()["version"] == 21


def test_openapi_documents_if_match_on_every_route_that_takes_it(api: FastAPI) -> None:
    doc = api.openapi()
    for path, method in (("/api/messages/{message_id}", "patch"),
                         ("/api/messages/{message_id}/approve", "post"),
                         ("/api/messages/{message_id}/reject", "post"),
                         ("/api/messages/{message_id}/undo", "post")):
        operation = doc["paths"][path][method]
        assert [p["name"] for p in operation["parameters"] if p["in"] == "header"] == \
            ["if-match"], path
        failed = operation["responses"]["412"]
        assert "weak" in failed["description"], path
        assert failed["content"]["application/json"]["schema"]["$ref"].endswith(
            "/VersionConflictOut"), path
        assert "quoted entity tags" in operation["responses"]["400"]["description"], path
