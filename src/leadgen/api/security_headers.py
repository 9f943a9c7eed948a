"""The security headers of every response, the Content-Security-Policy first, and /docs.

The dashboard loads only its own module scripts and stylesheet, calls only its own API and
draws its icon from a `data:` URL, so its policy allows exactly that: no inline script or
style, no `eval`, no framing (CSP Level 3, https://www.w3.org/TR/CSP3/ ; `frame-ancestors`
replaces X-Frame-Options, which is still sent for older browsers). The policy goes on every
response, JSON included: a browser applies it only to documents, and an API answer opened as a
page is one.

The interactive API docs (Swagger UI, as FastAPI serves it) are the one page that needs more:
the Swagger UI bundle from cdn.jsdelivr.net and one inline script that starts it. That page
sends a policy of its own naming the CDN and that script by its sha256 hash (CSP3 section
8.4, https://www.w3.org/TR/CSP3/#match-element-to-source-list), never `'unsafe-inline'`; the
middleware leaves a policy a route set alone.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
CSP_HEADER = b"content-security-policy"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
SWAGGER_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` plus the security headers (a route's own CSP, if it set one, is kept)."""
    out = [*headers, *SECURITY_HEADERS]
    if not any(name.lower() == CSP_HEADER for name, _ in headers):
        out.append((CSP_HEADER, CONTENT_SECURITY_POLICY.encode()))
    return out


def docs_policy(html: str) -> str:
    """The policy of a Swagger UI page: its CDN, and its inline scripts by hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html))
    return "; ".join((
        "default-src 'self'",
        f"script-src {SWAGGER_CDN} {hashes}",
        f"style-src {SWAGGER_CDN}",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ))


def swagger_page(openapi_url: str, title: str) -> HTMLResponse:
    """FastAPI's Swagger UI page with a policy that allows exactly what it loads."""
    page = get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - Swagger UI")
    html = bytes(page.body).decode()
    return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})
