"""Each page loads cleanly, signed out and signed in: no console errors or warnings, no
failed requests. A mistyped module import shows up here first (the page stays blank)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response, expect

from tests.support.browser import UI, Account, seed_token

pytestmark = pytest.mark.e2e

LIVE = 15_000


def record_problems(page: Page) -> list[str]:
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.on("response", on_response)
    return problems


@pytest.mark.parametrize("path", ["/", "/operator", "/admin"])
def test_page_loads_cleanly_signed_out(tab: Callable[[], UI], path: str) -> None:
    ui = tab()
    problems = record_problems(ui.page)
    ui.page.goto(path)
    expect(ui.by("login-username")).to_be_visible()
    expect(ui.by("login-username")).to_be_focused()
    expect(ui.by("error")).to_be_hidden()
    ui.page.wait_for_load_state("networkidle")
    assert problems == []


def test_pages_load_cleanly_signed_in(
    tab: Callable[[], UI],
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
) -> None:
    user, user_token = account_pool()
    operator, operator_token = staff("operator")
    admin, admin_token = staff("admin")
    for path, (account, token), ready in [
        ("/", (user, user_token), "chat-input"),
        ("/operator", (operator, operator_token), "queue-refresh"),
        ("/admin", (admin, admin_token), "tab-inbox"),
    ]:
        ui = tab()
        problems = record_problems(ui.page)
        seed_token(ui.page, token)
        ui.page.goto(path)
        expect(ui.page.locator("#user-name")).to_have_text(account.username)
        expect(ui.by(ready)).to_be_visible()
        if path == "/operator":
            expect(ui.by("live-status")).to_have_attribute("data-state", "open", timeout=LIVE)
        ui.page.wait_for_load_state("networkidle")
        assert problems == [], path
