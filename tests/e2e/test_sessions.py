"""Sliding sessions in the browser, against a server whose tokens live seconds
(``TEST_ACCESS_TOKEN_EXPIRE_SECONDS``, refused outside ENV=test): a page in use renews
its token and keeps its live connection past the first token's expiry; a page left
alone expires, and the login form then has the name filled in, and the chat's and the
operator's unsent text are back in the box after signing in again."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect

from tests.support.browser import (
    STAFF_TOKEN_KEY,
    UI,
    Account,
    api_call,
    assert_clean,
    post_json,
    seed_token,
    signed_up,
    watch_page,
)
from tests.support.servers import RunningServer, create_user_cli, start_server, stop_server

pytestmark = pytest.mark.e2e

LIFETIME = 6  # seconds a token lives on this server
SESSION = 40  # seconds after signing in that renewals may reach (SESSION_MAX_HOURS)
EXPIRED = 4 * LIFETIME * 1000  # ms: an idle page is signed out well within this


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(
        tmp_path_factory.mktemp("short-tokens"),
        {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TEST_ACCESS_TOKEN_EXPIRE_SECONDS": str(LIFETIME),
            "TEST_SESSION_MAX_SECONDS": str(SESSION),
        },
    )
    yield running
    stop_server(running)


@pytest.fixture
def open_page(short_lived: RunningServer, browser: Browser) -> Iterator[Callable[..., UI]]:
    """A page of the short-lived server, signed in with `token` before its scripts run."""
    watched = []
    contexts: list[BrowserContext] = []

    def open_with(path: str, token: str, clock_off_by: int = 0) -> UI:
        contexts.append(browser.new_context(base_url=short_lived.base_url, locale="ru-RU"))
        page = contexts[-1].new_page()
        if clock_off_by:
            page.clock.set_system_time(datetime.now(UTC) + timedelta(seconds=clock_off_by))
        watched.append(watch_page(page))
        seed_token(page, token)
        page.goto(path)
        return UI(page)

    yield open_with
    for context in contexts:
        context.close()
    for seen in watched:
        assert_clean(seen)


def chat_sockets(page: Page) -> list[WebSocket]:
    sockets: list[WebSocket] = []
    page.on("websocket", lambda ws: sockets.append(ws) if "/ws/" in ws.url else None)
    return sockets


@pytest.mark.parametrize("clock_off_by", [0, -3600], ids=["right clock", "clock an hour slow"])
def test_an_active_chat_stays_signed_in_past_the_first_tokens_expiry(
    short_lived: RunningServer, open_page: Callable[..., UI], clock_off_by: int
) -> None:
    """Renewal goes by the server's time (the tokens' times are the server's): a device
    whose clock is wrong renews all the same."""
    account, token = signed_up(short_lived.base_url)
    first_expiry = time.monotonic() + LIFETIME
    chat = open_page("/", token, clock_off_by)
    sockets = chat_sockets(chat.page)
    expect(chat.page.locator("#user-name")).to_have_text(account.username)
    expect(chat.by("chat-input")).to_be_visible()
    box = chat.by("chat-input")
    while time.monotonic() < first_expiry + 2 * LIFETIME:  # typing, on and off
        box.press_sequentially("а", delay=50)
        chat.page.wait_for_timeout(700)
    box.fill("")
    chat.send("привет")  # the API still takes this page's token
    expect(chat.by("login-username")).to_be_hidden()
    expect(chat.by("error")).to_be_hidden()
    assert chat.token() != token  # renewed, and kept where every tab finds it
    # The live connection was never refused: the one opened at the start is still open.
    assert len(sockets) == 1 and not sockets[0].is_closed()


def test_an_idle_chat_expires_with_the_name_and_the_draft_kept(
    short_lived: RunningServer, open_page: Callable[..., UI]
) -> None:
    account, token = signed_up(short_lived.base_url)
    chat = open_page("/", token)
    expect(chat.by("chat-input")).to_be_visible()
    chat.by("chat-input").fill("мой недописанный вопрос про")
    expect(chat.by("login-username")).to_be_visible(timeout=EXPIRED)
    expect(chat.by("error")).to_contain_text("Сессия истекла")
    expect(chat.by("login-username")).to_have_value(account.username)
    expect(chat.by("login-password")).to_be_focused()
    chat.page.reload()  # still there after a reload of the tab
    expect(chat.by("login-username")).to_have_value(account.username)
    chat.by("login-password").fill(account.password)
    chat.by("login-submit").click()
    expect(chat.by("chat-input")).to_have_value("мой недописанный вопрос про")


def test_a_draft_is_never_shown_to_the_next_person(
    short_lived: RunningServer, open_page: Callable[..., UI]
) -> None:
    _, token = signed_up(short_lived.base_url)
    other, _ = signed_up(short_lived.base_url)
    chat = open_page("/", token)
    chat.by("chat-input").fill("чужой черновик")
    expect(chat.by("login-username")).to_be_visible(timeout=EXPIRED)
    chat.fill_credentials(other)
    chat.by("login-submit").click()
    expect(chat.page.locator("#user-name")).to_have_text(other.username)
    expect(chat.by("chat-input")).to_have_value("")


def test_an_operators_unsent_reply_survives_an_expiry(
    short_lived: RunningServer, open_page: Callable[..., UI]
) -> None:
    base = short_lived.base_url
    customer, customer_token = signed_up(base)
    sid = str(api_call(base, "POST", "/chat/session", customer_token)["id"])  # type: ignore[index]
    api_call(base, "POST", "/chat/message", customer_token, {"session_id": sid, "text": "оператор"})
    operator = Account(f"ope_{secrets.token_hex(5)}")
    create_user_cli(short_lived, operator.username, operator.password, "operator", timeout=120)
    credentials = {"username": operator.username, "password": operator.password}
    op_token = post_json(f"{base}/auth/login", credentials)["access_token"]
    api_call(base, "POST", f"/operator/sessions/{sid}/claim", op_token)

    console = open_page(f"/operator#session={sid}", op_token)
    console.TOKEN_KEY = STAFF_TOKEN_KEY
    expect(console.by("operator-input")).to_be_enabled()
    console.by("operator-input").fill("Сейчас проверю ваш заказ и")
    expect(console.by("login-username")).to_be_visible(timeout=EXPIRED)
    expect(console.by("login-username")).to_have_value(operator.username)
    console.by("login-password").fill(operator.password)
    console.by("login-submit").click()
    expect(console.by("operator-input")).to_have_value("Сейчас проверю ваш заказ и")
    assert customer.username  # the conversation was the customer's, reopened


def test_tabs_of_one_browser_renew_each_token_once(
    short_lived: RunningServer, browser: Browser
) -> None:
    """Two tabs in use share the token: one renews it (a Web Lock), the other takes that
    renewal instead of asking again, so no token is ever renewed twice."""
    _, token = signed_up(short_lived.base_url)
    context = browser.new_context(base_url=short_lived.base_url, locale="ru-RU")
    renewed_from: list[str] = []
    context.on(
        "request",
        lambda request: (
            renewed_from.append(request.headers.get("authorization", ""))
            if request.url.endswith("/auth/renew")
            else None
        ),
    )
    try:
        tabs = []
        for _ in range(2):
            page = context.new_page()
            seen = watch_page(page)
            seed_token(page, token)
            page.goto("/")
            tabs.append((UI(page), seen))
        for chat, _ in tabs:
            expect(chat.by("chat-input")).to_be_visible()
        until = time.monotonic() + 3 * LIFETIME
        while time.monotonic() < until:  # both in use
            for chat, _ in tabs:
                chat.by("chat-input").press_sequentially("а", delay=20)
            tabs[0][0].page.wait_for_timeout(300)
        assert len(renewed_from) >= 2
        assert len(set(renewed_from)) == len(renewed_from), "a token was renewed twice"
        for chat, seen in tabs:
            expect(chat.by("login-username")).to_be_hidden()
            assert_clean(seen)
    finally:
        context.close()


def test_even_a_page_in_use_signs_in_again_after_the_sessions_maximum(
    short_lived: RunningServer, open_page: Callable[..., UI]
) -> None:
    account, token = signed_up(short_lived.base_url)
    signed_in = time.monotonic()
    chat = open_page("/", token)
    expect(chat.by("chat-input")).to_be_visible()
    login = chat.by("login-username")
    while not login.is_visible() and time.monotonic() < signed_in + SESSION + 2 * LIFETIME:
        chat.by("chat-input").press_sequentially("а", delay=20)
        chat.page.wait_for_timeout(500)
    lasted = time.monotonic() - signed_in
    expect(login).to_have_value(account.username)
    assert SESSION - 1 <= lasted <= SESSION + LIFETIME + 2, lasted
