"""Start a run in the tenant's n8n: a signed POST to the webhook configured in its settings.

The body is signed with HMAC-SHA256 under the tenant's webhook secret (hex digest in
`X-Leadgen-Signature`), so the n8n workflow can refuse calls that did not come from us.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx

from leadgen.api.responses import dumps

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


async def call_webhook(client: httpx.AsyncClient, url: str, secret: str | None,
                       payload: dict[str, Any]) -> str | None:
    """POST the payload; None on success, else why it failed (for the run and the user)."""
    body = dumps(payload)
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Leadgen-Signature"] = sign(secret, body)
    try:
        response = await client.post(url, content=body, headers=headers, timeout=TIMEOUT)
    except httpx.TimeoutException:
        return "the n8n webhook did not answer within 10 seconds"
    except httpx.HTTPError as exc:
        return f"could not reach the n8n webhook ({type(exc).__name__})"
    if response.status_code >= 300:
        return f"the n8n webhook answered HTTP {response.status_code}"
    return None
