"""The application shell: health, readiness, OpenAPI, JSON errors everywhere under /api."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI

from leadgen.db.migrate import available_migrations
from support.api import client_for


async def test_health_and_readiness(api: FastAPI) -> None:
    client = client_for(api)
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["schema_version"] == available_migrations()[-1].version
    assert "server-timing" in ready.headers and ready.headers["x-content-type-options"]


async def test_openapi_documents_every_endpoint_with_a_response_model(api: FastAPI) -> None:
    doc = (await client_for(api).get("/openapi.json")).json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("201") or \
                operation["responses"].get("204")
            assert ok is not None, (method, path)
            if "204" not in operation["responses"]:
                content = ok.get("content", {})
                assert content and any(c.get("schema") for c in content.values()), (method, path)
    assert (await client_for(api).get("/docs")).status_code == 200


async def test_unknown_api_paths_and_bad_input_are_json_errors(api: FastAPI) -> None:
    client = client_for(api)
    missing = await client.get("/api/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = await client.delete("/api/auth/me")
    assert wrong_method.status_code in (401, 404, 405)
    assert "error" in wrong_method.json()
    bad = await client.post("/api/auth/login", content=b"{not json",
                            headers={"Content-Type": "application/json"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    assert "Traceback" not in bad.text


async def test_dashboard_is_served_at_the_root_after_the_api(api: FastAPI) -> None:
    from leadgen.api.app import DASHBOARD_DIR

    response = await client_for(api).get("/")
    if (DASHBOARD_DIR / "index.html").exists():
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
    else:
        assert response.status_code == 404


DASHBOARD_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                    "object-src 'none'; base-uri 'none'; form-action 'self'; "
                    "frame-ancestors 'none'")


async def test_every_response_carries_a_strict_content_security_policy(api: FastAPI) -> None:
    client = client_for(api)
    for path in ("/", "/index.html", "/js/main.js", "/css/app.css", "/api/auth/me",
                 "/api/nothing/here", "/healthz", "/openapi.json"):
        response = await client.get(path)
        assert response.headers.get("content-security-policy") == DASHBOARD_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff", path


async def test_the_api_docs_page_allows_only_its_own_inline_script(api: FastAPI) -> None:
    response = await client_for(api).get("/docs")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    assert len(scripts) == 1  # the one that starts Swagger UI
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"https://cdn.jsdelivr.net 'sha256-{digest}'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == "'none'"
