"""axe-core finds nothing, of any impact, on every page in the states people see: logged
out, a chat with messages, the rating form, the mobile drawer at 360 px, the operator
console empty and with the canned-reply list open, the admin tabs; light and dark."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    UI,
    Account,
    HeldRequests,
    api_call,
    assert_accessible,
    seed_token,
)

pytestmark = pytest.mark.e2e

LIVE = 15_000


def resolved_chat(live_server: str, user_token: str, operator_token: str) -> str:
    """A conversation an operator answered and closed: the rating form is due."""
    sid = api_call(live_server, "POST", "/chat/session", user_token)["id"]
    body = {"session_id": sid, "text": "позовите оператора"}
    api_call(live_server, "POST", "/chat/message", user_token, body)
    api_call(live_server, "POST", f"/operator/sessions/{sid}/claim", operator_token)
    reply = {"text": "Готово! **Солнце** взойдёт вовремя: https://example.com/sun"}
    api_call(live_server, "POST", f"/operator/sessions/{sid}/message", operator_token, reply)
    api_call(live_server, "POST", f"/operator/sessions/{sid}/resolve", operator_token)
    return sid


def test_the_customer_page_has_no_violations(
    ui: UI,
    tab: Callable[[], UI],
    account_pool: Callable[[], tuple[Account, str]],
    staff: Callable[[str], tuple[Account, str]],
    live_server: str,
) -> None:
    page = ui.page
    page.goto("/")
    expect(ui.by("login-username")).to_be_visible()
    assert_accessible(page, "logged out")

    _, token = account_pool()
    _, operator_token = staff("operator")
    resolved_chat(live_server, token, operator_token)
    seed_token(page, token)
    page.goto("/")
    expect(ui.by("rating")).to_be_visible(timeout=LIVE)
    assert_accessible(page, "rating form open")

    ui.by("new-session").click()
    expect(ui.messages()).to_have_count(0)
    ui.send("привет")
    ui.send("когда взойдёт солнце в Москве?")
    expect(ui.by("feedback-up").first).to_be_visible()
    assert_accessible(page, "logged in with messages")
    ui.by("profile-open").click()
    expect(ui.by("profile-dialog")).to_be_visible()
    assert_accessible(page, "profile open")
    ui.by("profile-close").click()

    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("button", name="Список чатов").click()
    expect(ui.by("new-session")).to_be_visible()
    assert_accessible(page, "mobile drawer open")
    page.keyboard.press("Escape")

    ui.by("clear-history").click()
    expect(ui.by("confirm")).to_be_visible()
    assert_accessible(page, "confirm dialog open")
    page.keyboard.press("Escape")

    # The widget's page (the visitors' chat in the embeddable panel), opened directly.
    widget = tab()
    widget.page.goto("/widget")
    expect(widget.by("chat-input")).to_be_visible(timeout=LIVE)
    assert_accessible(widget.page, "widget: empty")
    widget.send("привет")
    assert_accessible(widget.page, "widget: with messages")


def test_the_staff_pages_have_no_violations(
    ui: UI,
    tab: Callable[[], UI],
    account_pool: Callable[[], tuple[Account, str]],
    staff: Callable[[str], tuple[Account, str]],
    live_server: str,
) -> None:
    page = ui.page
    page.goto("/operator")
    expect(ui.by("login-username")).to_be_visible()
    assert_accessible(page, "operator: logged out")

    admin_account, admin_token = staff("admin")
    shortcut = f"дост_{secrets.token_hex(3)}"
    canned = {"shortcut": shortcut, "text": "Солнце доставляем каждое утро."}
    api_call(live_server, "POST", "/admin/canned", admin_token, canned)
    seed_token(page, admin_token)
    page.goto("/operator")
    expect(ui.by("live-status")).to_have_attribute("data-state", "open", timeout=LIVE)
    assert_accessible(page, "operator: empty console")

    _, user_token = account_pool()
    sid = api_call(live_server, "POST", "/chat/session", user_token)["id"]
    body = {"session_id": sid, "text": "позовите оператора"}
    api_call(live_server, "POST", "/chat/message", user_token, body)
    page.goto(f"/operator#session={sid}")
    ui.by("claim").click()
    box = ui.by("operator-input")
    expect(box).to_be_enabled()
    box.fill("/дост")
    expect(ui.by("canned-list")).to_be_visible()
    assert_accessible(page, "operator: conversation with the canned-reply list open")

    admin = tab()
    admin.page.goto("/admin")
    expect(admin.by("login-username")).to_be_visible()
    assert_accessible(admin.page, "admin: logged out")
    seed_token(admin.page, admin_token)
    admin.page.goto("/admin")
    for name in ("inbox", "canned", "stats", "staff", "audit"):
        admin.by(f"tab-{name}" if name != "audit" else "audit-tab").click()
        expect(admin.page.locator(f"#panel-{name}")).to_be_visible()
        if name == "stats":
            expect(admin.by("stat-card").first).to_be_visible()
        assert_accessible(admin.page, f"admin: {name}")

    # Admins name the staff. The tab reloads its list each time it is shown: a name typed
    # before the reload arrives stays, with the focus. The notice belongs to its tab.
    mine = admin.by("staff-item").filter(has_text=admin_account.username)
    with HeldRequests(admin.page, "**/admin/staff") as reload:
        with admin.page.expect_request("**/admin/staff"):
            admin.by("tab-staff").click()
        mine.get_by_test_id("staff-name").fill("  Ольга  ")
        with admin.page.expect_response("**/admin/staff"):
            reload.release()
    expect(admin.page.locator("#staff-items")).to_have_attribute("aria-busy", "false")
    expect(mine.get_by_test_id("staff-name")).to_have_value("  Ольга  ")
    expect(mine.get_by_test_id("staff-name")).to_be_focused()
    mine.get_by_test_id("staff-save").click()
    expect(admin.by("notice")).to_have_text("Клиенты видят имя «Ольга».")
    admin.by("tab-inbox").click()
    expect(admin.by("notice")).to_be_hidden()
    admin.page.reload()
    admin.by("tab-staff").click()
    expect(mine.get_by_test_id("staff-name")).to_have_value("Ольга")
