"""What scripts/test-containers.sh checks from the host against the API container's port.

  login BASE EMAIL STATE   sign in through the dashboard's form in Chromium (password on stdin),
                           check that the page loaded only from BASE, then save the session
                           cookie and the tenant's message counts (GET /api/messages/counts)
  check BASE STATE         the saved cookie still signs in (GET /api/auth/me) and the counts
                           are the saved ones: after a restart of the API, or after a restore
  readyz BASE              GET /readyz answers 200 with the schema ready

Exit status 0 when every check holds, 1 with the reason on stderr otherwise. Runs with the
project's .venv (Playwright, httpx); Chromium at LEADGEN_CHROMIUM (default /usr/bin/chromium).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("LEADGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HEADERS = {"X-Requested-With": "leadgen"}


class CheckFailed(Exception):
    """A check that did not hold; the message says which and what was seen."""


def _counts(base: str, cookie: dict[str, str]) -> dict[str, int]:
    response = httpx.get(f"{base}/api/messages/counts", headers=HEADERS, timeout=10,
                         cookies={cookie["name"]: cookie["value"]})
    if response.status_code != 200:
        raise CheckFailed(f"GET /api/messages/counts answered {response.status_code}: "
                          f"{response.text[:200]}")
    counts: dict[str, int] = response.json()
    return counts


def login(base: str, email: str, password: str, state: Path) -> dict[str, Any]:
    """Sign in through the form, as a person would; the cookie the browser got is saved."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base)
            page = context.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto("/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.locator(".topbar").wait_for(state="visible", timeout=15_000)
            cookies = [c for c in context.cookies() if "session" in c["name"]]
        finally:
            browser.close()
    own = urlsplit(base).netloc
    foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https")
               and urlsplit(u).netloc != own]
    if foreign:
        raise CheckFailed(f"the dashboard loaded from elsewhere than {base}: {foreign}")
    if errors:
        raise CheckFailed(f"the dashboard raised script errors: {errors}")
    if not cookies:
        raise CheckFailed("signing in through the form set no session cookie")
    cookie = {"name": cookies[0]["name"], "value": cookies[0]["value"]}
    counts = _counts(base, cookie)
    if sum(counts.values()) == 0:
        raise CheckFailed(f"the tenant has no messages after the migration: {counts}")
    saved = {"cookie": cookie, "counts": counts, "requests": len(requests)}
    state.write_text(json.dumps(saved))
    return {"cookie": cookie["name"], "counts": counts, "page_requests": len(requests)}


def check(base: str, state: Path) -> dict[str, Any]:
    saved = json.loads(state.read_text())
    cookie: dict[str, str] = saved["cookie"]
    me = httpx.get(f"{base}/api/auth/me", headers=HEADERS, timeout=10,
                   cookies={cookie["name"]: cookie["value"]})
    if me.status_code != 200:
        raise CheckFailed(f"the saved session no longer signs in: GET /api/auth/me answered "
                          f"{me.status_code}: {me.text[:200]}")
    counts = _counts(base, cookie)
    if counts != saved["counts"]:
        raise CheckFailed(f"message counts changed: saved {saved['counts']}, now {counts}")
    return {"user": me.json()["user"]["email"], "counts": counts}


def readyz(base: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/readyz", timeout=10)
    if response.status_code != 200:
        raise CheckFailed(f"GET /readyz answered {response.status_code}: {response.text[:200]}")
    body: dict[str, Any] = response.json()
    return body


def main(argv: list[str]) -> int:
    try:
        match argv:
            case ["login", base, email, state]:
                result = login(base, email, sys.stdin.readline().rstrip("\n"), Path(state))
            case ["check", base, state]:
                result = check(base, Path(state))
            case ["readyz", base]:
                result = readyz(base)
            case _:
                print(__doc__, file=sys.stderr)
                return 2
    except (CheckFailed, httpx.HTTPError) as exc:
        print(f"check failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
