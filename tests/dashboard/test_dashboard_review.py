"""The review page in a real browser: filters in the URL, edit, approve, reject, undo, bulk
approval, keyboard shortcuts, LinkedIn limits and the 412 conflict view."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pytest
from dashboard_base import PLANTED_PREFIX
from dashboard_browser import Tracked, api_client, db_row, login, screenshot
from dashboard_seed import NAMED, DashboardTenant
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_message(page: Page, name: str) -> None:
    """Find one contact's message by search and open it in the detail pane."""
    search = page.get_by_label("Search")
    search.fill(name)
    expect(page).to_have_url(re.compile(r"q=" + re.escape(quote_plus(name))))
    expect(page.locator("ol.msg-list")).to_have_attribute("aria-busy", "false")
    row = page.locator(".msg-row", has_text=name)
    expect(page.locator(".msg-row")).to_have_count(1)
    row.locator(".msg-open").click()
    expect(page.locator("#detail-title")).to_have_text(name)
    expect(page.locator("[data-field=body]")).not_to_have_value("")


def message(url: str, tenant: DashboardTenant, key: str) -> dict[str, Any]:
    row = db_row(url, "SELECT status::text, body, subject, review_notes, version FROM messages"
                 " WHERE tenant_id = $1 AND id = $2", tenant.id, tenant.messages[key])
    return dict(row)


def test_login_errors_then_logout(open_page: Callable[..., Tracked],
                                  dash_tenant: DashboardTenant) -> None:
    tracked = open_page()
    page = tracked.page
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to leadgen")).to_be_visible()
    screenshot(page, "desktop-login")
    page.get_by_label("Email").fill(dash_tenant.admin_email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    page.get_by_label("Password").fill(dash_tenant.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-user-name]")).to_have_text("Michal Dvorak")
    expect(page.locator("[data-tenant-name]")).to_have_text("Northwind Outreach")
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("[data-toasts]")).to_contain_text("You are signed out.")
    expect(page.get_by_role("heading", name="Sign in to leadgen")).to_be_visible()
    page.reload()  # the session is gone on the server too, not just hidden
    expect(page.get_by_role("heading", name="Sign in to leadgen")).to_be_visible()
    expect(page.locator(".topbar")).to_be_hidden()


def test_filters_live_in_the_url(open_page: Callable[..., Tracked],
                                 dash_tenant: DashboardTenant) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    expect(page.locator(".status-tab[data-status=draft]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".msg-row").first).to_contain_text(NAMED["edit"])
    expect(page.locator(".status-tab[data-status=draft] .count")).not_to_have_text("…")
    screenshot(page, "desktop-messages")
    page.get_by_label("Channel").select_option("linkedin_connect")
    expect(page).to_have_url(re.compile(r"channel=linkedin_connect"))
    expect(page.locator(".msg-row").first).to_be_visible()
    for text in page.locator(".msg-row .msg-line3").all_inner_texts():
        assert "LinkedIn connect" in text
    page.locator(".status-tab[data-status=all]").click()
    expect(page).to_have_url(re.compile(r"status=all"))
    page.reload()
    expect(page.get_by_label("Channel")).to_have_value("linkedin_connect")
    expect(page.locator(".status-tab[data-status=all]")).to_have_attribute("aria-pressed", "true")
    page.go_back()
    expect(page.locator(".status-tab[data-status=draft]")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Channel")).to_have_value("linkedin_connect")
    page.go_back()
    expect(page.get_by_label("Channel")).to_have_value("")
    page.get_by_label("Search").fill("Lukas Berger")
    expect(page.locator(".msg-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=Lukas"))
    # Counts follow the filters (minus status): one draft matches.
    expect(page.locator(".status-tab[data-status=draft] .count")).to_have_text("1")


def test_edit_and_save(open_page: Callable[..., Tracked], dash_tenant: DashboardTenant,
                       database_url: str) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    open_message(page, NAMED["edit"])
    body = page.locator("[data-field=body]")
    body.fill("Hi Jana, short and to the point: may I send you our two-week pilot plan?")
    page.locator("[data-field=subject]").fill("A two-week pilot for Nordwerk")
    expect(page.locator(".dirty-flag")).to_be_visible()
    screenshot(page, "desktop-message-detail")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toasts]")).to_contain_text("Saved.")
    expect(page.locator(".dirty-flag")).to_be_hidden()
    stored = message(database_url, dash_tenant, "edit")
    assert stored["body"].startswith("Hi Jana, short and to the point")
    assert stored["subject"] == "A two-week pilot for Nordwerk"
    assert stored["version"] == 2
    # Ctrl+S saves while typing.
    body.fill("Hi Jana, one more edit.")
    body.press("Control+s")
    expect(page.locator(".dirty-flag")).to_be_hidden()
    assert message(database_url, dash_tenant, "edit")["body"] == "Hi Jana, one more edit."
    # The audit trail shows the edit, and who made it.
    page.get_by_text("History of this message").click()
    history = page.locator("[data-history]")
    expect(history).to_contain_text("Body: Hi Jana, short and to the point")
    expect(history).to_contain_text("one more edit.")
    expect(history).to_contain_text(dash_tenant.admin_email)


def test_approve_reject_and_undo(open_page: Callable[..., Tracked],
                                 dash_tenant: DashboardTenant, database_url: str) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    open_message(page, NAMED["approve"])
    page.locator("#detail-title").focus()
    page.keyboard.press("a")
    expect(page.locator(".detail-head .badge")).to_have_text("Approved")
    row_badge = page.locator(".msg-row", has_text=NAMED["approve"]).locator(".badge").first
    expect(row_badge).to_have_text("Approved")
    assert message(database_url, dash_tenant, "approve")["status"] == "approved"
    page.get_by_role("button", name=re.compile("Undo approval")).click()
    expect(page.locator(".detail-head .badge")).to_have_text("Draft")
    assert message(database_url, dash_tenant, "approve")["status"] == "draft"

    open_message(page, NAMED["reject"])
    page.locator("#detail-title").focus()
    page.keyboard.press("r")
    note = page.get_by_label("Why reject it? (required)")
    expect(note).to_be_focused()
    note.fill("")
    page.get_by_role("button", name="Reject message").click()
    expect(page.get_by_text("A note is required to reject")).to_be_visible()
    assert message(database_url, dash_tenant, "reject")["status"] == "draft"
    note.fill("Too generic: mention their Oslo warehouse.")
    page.get_by_role("button", name="Reject message").click()
    expect(page.locator(".detail-head .badge")).to_have_text("Rejected")
    stored = message(database_url, dash_tenant, "reject")
    assert stored["status"] == "rejected"
    assert stored["review_notes"] == "Too generic: mention their Oslo warehouse."


def test_bulk_approve(open_page: Callable[..., Tracked], dash_tenant: DashboardTenant,
                      database_url: str) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    expect(page.locator(".msg-row").first).to_be_visible()
    approved_tab = page.locator(".status-tab[data-status=approved] .count")
    expect(approved_tab).not_to_have_text("…")
    before = int(approved_tab.inner_text().replace(",", ""))
    for key in ("bulk1", "bulk2", "bulk3"):
        page.get_by_label(f"Select message to {NAMED[key]}").check()
    button = page.get_by_role("button", name="Approve selected (3)")
    button.click()
    expect(page.locator("[data-toasts]")).to_contain_text("Approved 3")
    for key in ("bulk1", "bulk2", "bulk3"):
        assert message(database_url, dash_tenant, key)["status"] == "approved"
        row = page.locator(".msg-row", has_text=NAMED[key])
        expect(row.locator(".badge").first).to_have_text("Approved")
    expect(approved_tab).to_have_text(str(before + 3))


def test_keyboard_shortcuts_and_help(open_page: Callable[..., Tracked],
                                     dash_tenant: DashboardTenant) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    rows = page.locator(".msg-row")
    expect(rows.first).to_be_visible()
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile("is-current"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))
    page.keyboard.press("e")
    expect(page.locator("[data-field=body]")).to_be_focused()
    page.keyboard.press("j")  # typing: the letter goes into the text, the row stays
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    screenshot(page, "desktop-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_linkedin_limit_is_marked(open_page: Callable[..., Tracked],
                                  dash_tenant: DashboardTenant, database_url: str) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    open_message(page, NAMED["over"])
    expect(page.locator(".msg-row", has_text=NAMED["over"])).to_contain_text("Too long")
    counter = page.locator(".counter", has_text="/ 300")
    expect(counter).to_have_class(re.compile("over"))
    expect(counter).to_contain_text("over the limit")
    expect(page.locator("[data-field=body]")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("longer than 300 characters")
    assert message(database_url, dash_tenant, "over")["status"] == "draft"
    page.locator("[data-field=body]").fill("Hi Tomas, glad to connect.")
    expect(counter).not_to_have_class(re.compile("over"))


def test_conflict_keeps_what_was_typed(open_page: Callable[..., Tracked],
                                       dash_tenant: DashboardTenant, database_url: str,
                                       live_server: str) -> None:
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password)
    open_message(page, NAMED["conflict"])
    mine = "Hi Jonas, my careful rewrite that must not be lost."
    page.locator("[data-field=body]").fill(mine)
    other = api_client(live_server, dash_tenant.reviewer_email, dash_tenant.password)
    url = f"/api/messages/{dash_tenant.messages['conflict']}"
    etag = other.get(url).headers["ETag"]
    other.patch(url, json={"body": "Hi Jonas, a colleague's version."},
                headers={"If-Match": etag}).raise_for_status()

    page.get_by_role("button", name="Save").click()
    conflict = page.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("[data-conflict-mine]")).to_contain_text(mine)
    expect(conflict.locator("[data-conflict-theirs]")).to_contain_text("a colleague's version")
    expect(page.locator("[data-field=body]")).to_have_value(mine)
    screenshot(page, "desktop-conflict")
    page.get_by_role("button", name="Keep mine and save").click()
    expect(conflict).to_be_hidden()
    expect(page.locator("[data-toasts]")).to_contain_text("Saved.")
    expect(page.locator(".dirty-flag")).to_be_hidden()
    stored = message(database_url, dash_tenant, "conflict")
    assert stored["body"] == mine
    assert stored["version"] == 3

    # Second round: this time take the saved version.
    page.locator("[data-field=body]").fill("Another draft of mine.")
    etag = other.get(url).headers["ETag"]
    other.patch(url, json={"body": "The colleague wins this one."},
                headers={"If-Match": etag}).raise_for_status()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-conflict]")).to_be_visible()
    page.get_by_role("button", name="Use the saved version").click()
    expect(page.locator("[data-field=body]")).to_have_value("The colleague wins this one.")
    expect(page.locator(".dirty-flag")).to_be_hidden()
    assert message(database_url, dash_tenant, "conflict")["body"] == "The colleague wins this one."
    other.close()


def test_expired_session_keeps_the_text(open_page: Callable[..., Tracked],
                                        dash_tenant: DashboardTenant, database_url: str) -> None:
    tracked = open_page()
    page = login(tracked, dash_tenant.reviewer_email, dash_tenant.password, form=True)
    # The page has finished loading (counts shown, the message's own copy fetched), so the
    # Save below is the first request the ended session meets, not one of the page's loads.
    expect(page.locator(".status-tab[data-status=draft] .count")).not_to_have_text("…")
    with page.expect_response(re.compile(r"/api/messages/[0-9a-f-]{36}$")):
        page.locator(".msg-row .msg-open").first.click()
    body = page.locator("[data-field=body]")
    expect(body).not_to_have_value("")
    typed = "Text typed just before the session ran out."
    body.fill(typed)
    # The session ends on the server (expiry, or an admin signing the user out).
    token = next(c["value"] for c in page.context.cookies() if "session" in c["name"])
    db_row(database_url, "DELETE FROM sessions WHERE token_hash = $1 RETURNING 1",
           hashlib.sha256(token.encode()).digest())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Sign in to leadgen")).to_be_visible()
    page.get_by_label("Email").fill(dash_tenant.reviewer_email)
    page.get_by_label("Password").fill(dash_tenant.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-field=body]")).to_have_value(typed)
    expect(page.locator(".dirty-flag")).to_be_visible()


def test_review_a_generated_message(open_page: Callable[..., Tracked],
                                    dash_tenant: DashboardTenant, database_url: str) -> None:
    """The generated part of the base (the customer's own owners, languages and mess) reviews
    like the planted rows: find a draft of the owner Michal, approve it, see it stored."""
    draft = db_row(
        database_url,
        """SELECT m.id, c.full_name, o.id AS owner FROM messages m
             JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
             JOIN owners o ON o.tenant_id = m.tenant_id AND o.id = m.owner_id
            WHERE m.tenant_id = $1 AND m.airtable_record_id NOT LIKE $2
              AND m.status = 'draft' AND o.name = 'Michal'
              AND (SELECT count(*) FROM messages x JOIN contacts xc
                     ON xc.tenant_id = x.tenant_id AND xc.id = x.contact_id
                    WHERE x.tenant_id = m.tenant_id AND x.owner_id = m.owner_id
                      AND x.status = 'draft' AND xc.full_name ILIKE '%' || c.full_name || '%') = 1
            ORDER BY m.id LIMIT 1""", dash_tenant.id, PLANTED_PREFIX + "%")
    assert draft is not None, "the generated base should give Michal a draft"
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password,
                 f"#/messages?owner={draft['owner']}&status=draft")
    open_message(page, draft["full_name"])
    page.locator("#detail-title").focus()
    page.keyboard.press("a")
    expect(page.locator(".detail-head .badge")).to_have_text("Approved")
    stored = db_row(database_url, "SELECT status::text FROM messages WHERE tenant_id = $1"
                    " AND id = $2", dash_tenant.id, draft["id"])
    assert stored["status"] == "approved"
    screenshot(page, "desktop-generated-message")
