"""Phone layout, keyboard-only use and the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import UI, Account, new_username

pytestmark = pytest.mark.e2e


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"scrollWidth {width}"


def test_phone_layout(ui: UI) -> None:
    ui.page.set_viewport_size({"width": 360, "height": 740})
    ui.page.goto("/")
    expect(ui.by("login-submit")).to_be_in_viewport()
    no_horizontal_scroll(ui.page)

    ui.register()
    ui.send("Очень-длинное-слово-" * 20)
    no_horizontal_scroll(ui.page)
    for testid in ("chat-input", "chat-send", "logout", "clear-history"):
        expect(ui.by(testid)).to_be_visible()
        expect(ui.by(testid)).to_be_in_viewport()

    # The sidebar is a drawer behind a toggle button.
    expect(ui.by("new-session")).to_be_hidden()
    toggle = ui.page.get_by_role("button", name="Список чатов")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(ui.by("new-session")).to_be_visible()
    ui.by("new-session").click()
    expect(ui.by("new-session")).to_be_hidden()
    expect(ui.messages()).to_have_count(0)
    toggle.click()
    expect(ui.by("session-item")).to_have_count(2)
    ui.page.keyboard.press("Escape")
    expect(ui.by("session-item").first).to_be_hidden()
    no_horizontal_scroll(ui.page)


def test_keyboard_only(ui: UI) -> None:
    account = Account(new_username())
    ui.page.goto("/")
    expect(ui.by("login-username")).to_be_focused()
    ui.page.keyboard.type(account.username)
    ui.page.keyboard.press("Tab")
    expect(ui.by("login-password")).to_be_focused()
    ui.page.keyboard.type(account.password)
    # Tab to the register button and press it.
    for _ in range(3):
        ui.page.keyboard.press("Tab")
        if ui.page.evaluate("document.activeElement.dataset.testid") == "register-submit":
            break
    expect(ui.by("register-submit")).to_be_focused()
    outline = ui.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"

    ui.page.keyboard.press("Enter")

    expect(ui.by("chat-input")).to_be_focused()
    ui.page.keyboard.type("первая строка")
    ui.page.keyboard.press("Shift+Enter")
    ui.page.keyboard.type("вторая")
    expect(ui.messages()).to_have_count(0)
    ui.page.keyboard.press("Enter")
    expect(ui.messages("user")).to_have_text(["первая строка\nвторая"])
    expect(ui.messages("bot")).to_have_count(1)
    expect(ui.by("chat-input")).to_be_focused()

    ui.page.keyboard.press("Tab")
    expect(ui.by("chat-send")).to_be_focused()
    outline = ui.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"

    # Labels, a live region for new messages, real buttons, the length limit.
    page = ui.page
    expect(page.get_by_label("Сообщение", exact=True)).to_be_visible()
    expect(page.locator('[aria-live="polite"]')).to_have_count(1)
    for testid in ("chat-send", "new-session", "clear-history", "logout", "session-item"):
        tags = page.get_by_test_id(testid).evaluate_all("els => els.map(e => e.tagName)")
        assert tags and set(tags) == {"BUTTON"}, testid
    assert page.get_by_test_id("chat-input").get_attribute("maxlength") == "2000"


def test_csp_header_and_no_inline_code(page: Page, watch, live_server: str) -> None:
    response = page.goto("/")
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp
    html = page.content()
    assert " onclick=" not in html and " style=" not in html
    assert page.locator("script:not([src])").count() == 0
    expect(page.get_by_test_id("login-username")).to_be_visible()
    assert watch.csp_errors == []
