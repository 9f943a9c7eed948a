"""What the dashboard's browser tests share: the tracked page, signing in, screenshots, and
a direct look at the database. (Fixtures live in conftest.py.)"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from playwright.sync_api import ConsoleMessage, Page, ViewportSize

from support import run_async

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("LEADGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
CSP_VIOLATION = "CSP violation:"
# Runs before any page script (DevTools protocol: not itself subject to the page's policy).
REPORT_CSP_VIOLATIONS = f"""
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "{CSP_VIOLATION} " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
  " at " + e.sourceFile + ":" + e.lineNumber));
"""

@dataclass
class Tracked:
    """A page and what it did: every request URL, every uncaught script error and every
    Content-Security-Policy violation the browser reported."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        # Chromium logs a blocked script, style or request as "Refused to … because it
        # violates the following Content Security Policy directive"; the init script below
        # logs each `securitypolicyviolation` event too (with a CSP_VIOLATION prefix).
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text
                                        or text.startswith(CSP_VIOLATION)):
            self.csp_violations.append(text)

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base).netloc
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).netloc != own]


_COOKIES: dict[tuple[str, str], dict[str, str]] = {}


def login(tracked: Tracked, email: str, password: str, hash_: str = "", *,
          form: bool = False) -> Page:
    """Sign in through the form, or (faster) with a session cookie shared by the tests."""
    page = tracked.page
    if form:
        page.goto(f"/{hash_}")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
    else:
        key = (tracked.base, email)
        if key not in _COOKIES:
            response = httpx.post(f"{tracked.base}/api/auth/login",
                                  json={"email": email, "password": password}, timeout=10)
            response.raise_for_status()
            name, value = next(iter(response.cookies.items()))
            _COOKIES[key] = {"name": name, "value": value}
        cookie = _COOKIES[key]
        page.context.add_cookies([{"name": cookie["name"], "value": cookie["value"],
                                   "url": tracked.base}])
        page.goto(f"/{hash_}")
    page.locator(".topbar").wait_for(state="visible")
    return page


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def api_client(base: str, email: str, password: str) -> httpx.Client:
    """A second reviewer, through the API (to change things behind the page's back)."""
    client = httpx.Client(base_url=base, headers={"X-Requested-With": "leadgen"}, timeout=10)
    client.post("/api/auth/login", json={"email": email, "password": password}).raise_for_status()
    return client


def db_row(url: str, query: str, *args: Any) -> Any:
    """One row read straight from the database (superuser: what is really stored)."""

    async def go() -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchrow(query, *args)
        finally:
            await conn.close()

    return run_async(go())
