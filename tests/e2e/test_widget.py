"""The widget on other sites: a host page on another origin (another port) embeds the
chat with one script tag; a visitor talks to the bot, asks for a human, and the operator's
answer from the console arrives in the widget, on the launcher while the panel is closed.
A site that is not allowed cannot show the frame."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from sunsupport.core.security import create_email_link_key
from tests.support.browser import UI, api_call, post_json, seed_token, watch_page
from tests.support.live import create_staff
from tests.support.servers import RunningServer, free_port, start_server, stop_server

pytestmark = pytest.mark.e2e

LIVE = 15_000
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>button {{ background: lime !important; width: 10px !important; }}</style></head>
<body><h1>A shop that is not ours</h1>
<script src="{service}/widget.js" defer></script></body></html>
"""


@dataclass
class Site:
    origin: str
    server: ThreadingHTTPServer


def serve_site(directory: Path, service: str, port: int) -> Site:
    """A plain static site on its own port: a page with the widget's script tag."""
    (directory / "index.html").write_text(HOST_PAGE.format(service=service), encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(f"http://127.0.0.1:{server.server_address[1]}", server)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Site, Site]]:
    """The service (allowing one site), the allowed site and a site it does not allow."""
    allowed_port = free_port()
    service = start_server(
        tmp_path_factory.mktemp("widget-service"),
        {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "WIDGET_ALLOWED_ORIGINS": f"http://127.0.0.1:{allowed_port}",
        },
    )
    sites: list[Site] = []
    try:
        for name, port in (("allowed", allowed_port), ("stranger", free_port())):
            sites.append(serve_site(tmp_path_factory.mktemp(name), service.base_url, port))
        allowed, stranger = sites
        yield service, allowed, stranger
    finally:
        for site in sites:
            site.server.shutdown()
            site.server.server_close()
        stop_server(service)


def test_a_visitor_on_another_site_reaches_an_operator_through_the_widget(
    setup: tuple[RunningServer, Site, Site], page: Page, tab
) -> None:
    service, site, _ = setup
    seen = watch_page(page)
    page.goto(site.origin)
    launcher = page.get_by_test_id("widget-launcher")
    expect(launcher).to_be_visible()
    expect(page.get_by_test_id("widget-frame")).to_have_count(0)  # nothing loads before use
    launcher.click()
    frame = page.frame_locator('[data-testid="widget-frame"]')
    widget = frame.locator("body")
    expect(frame.get_by_test_id("chat-input")).to_be_visible()
    expect(frame.locator("#user-name")).to_have_text(re.compile(r"^Гость \d{4}$"))
    expect(frame.get_by_test_id("login-username")).to_have_count(0)

    def send(text: str) -> None:
        bot = frame.locator('[data-testid="message"][data-sender="bot"]')
        before = bot.count()
        frame.get_by_test_id("chat-input").fill(text)
        frame.get_by_test_id("chat-input").press("Enter")  # the keyboard is enough
        expect(bot).to_have_count(before + 1)

    send("Привет! Когда взойдёт солнце в Москве?")
    # The visitor leaves an email for replies that come while they are away.
    frame.get_by_test_id("profile-open").click()
    expect(frame.get_by_test_id("password-current")).to_be_hidden()  # no password to change
    expect(frame.get_by_test_id("contact-name")).to_be_focused()  # where a visitor starts
    frame.get_by_test_id("contact-email").fill("guest@example.com")
    frame.get_by_test_id("contact-submit").click()
    expect(frame.get_by_test_id("profile-status")).to_contain_text("Сохранено")
    frame.get_by_test_id("profile-close").click()
    send("позовите оператора")
    name = frame.locator("#user-name").inner_text()

    # The operator answers in the console, where the visitor shows by name, marked as a guest.
    operator = create_staff(service)
    token = post_json(f"{service.base_url}/auth/login", operator)["access_token"]
    console = tab()
    seed_token(console.page, token)
    console.page.goto(f"{service.base_url}/operator")
    item = console.page.get_by_test_id("queue-item").filter(has_text=name)
    expect(item).to_be_visible(timeout=LIVE)
    expect(item.get_by_test_id("visitor-mark")).to_be_visible()
    item.click()
    expect(console.by("customer-email")).to_have_text("guest@example.com")
    console.by("claim").click()
    expect(console.by("operator-input")).to_be_enabled()
    console.by("operator-input").fill("Здравствуйте! Я оператор Солнца.")
    console.by("operator-input").press("Enter")
    answer = frame.locator('[data-testid="message"][data-sender="operator"]')
    expect(answer).to_have_text(["Здравствуйте! Я оператор Солнца."], timeout=LIVE)

    # Panel closed: the next reply shows as a count on the launcher, and opening clears it.
    launcher.click()
    expect(page.get_by_test_id("widget-frame")).to_be_hidden()
    opened = console.page.locator('[data-testid="queue-item"][aria-current="true"]')
    sid = opened.get_attribute("data-session-id")
    path = f"/operator/sessions/{sid}/message"
    api_call(service.base_url, "POST", path, token, {"text": "Вы здесь?"})
    unread = page.get_by_test_id("widget-unread")
    expect(unread).to_have_text("1", timeout=LIVE)
    launcher.click()
    expect(answer).to_have_count(2)
    expect(unread).to_be_hidden()
    widget.press("Escape")  # the keyboard closes the panel too
    expect(page.get_by_test_id("widget-frame")).to_be_hidden()
    assert seen.page_errors == [] and seen.csp_errors == []


def test_a_site_that_is_not_allowed_cannot_show_the_frame(
    setup: tuple[RunningServer, Site, Site], page: Page
) -> None:
    _, _, stranger = setup
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "frame-ancestors" in message.text:
            refused.append(message.text)

    page.on("console", on_console)
    page.goto(stranger.origin)
    page.get_by_test_id("widget-launcher").click()
    expect(page.get_by_test_id("widget-frame")).to_be_visible()
    frame = page.frame_locator('[data-testid="widget-frame"]')
    page.wait_for_timeout(1000)
    expect(frame.get_by_test_id("chat-input")).to_have_count(0)
    assert refused, "the browser did not report the frame-ancestors refusal"


HIDE_TAB = """hidden => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_the_users_page_counts_replies_per_chat_and_in_the_title_while_hidden(
    chat: UI, staff, live_server: str
) -> None:
    token = chat.page.evaluate("k => localStorage.getItem(k)", UI.TOKEN_KEY)
    chat.send("позовите оператора")
    first = chat.page.locator('[data-testid="session-item"][aria-current="true"]')
    sid = first.get_attribute("data-session-id")
    _, operator = staff("operator")
    api_call(live_server, "POST", f"/operator/sessions/{sid}/claim", operator)
    # the note "an operator joined" arrives while the tab is shown: it is not counted
    expect(chat.by("message")).to_have_count(3, timeout=LIVE)  # question, answer, note

    def reply(text: str) -> None:
        path = f"/operator/sessions/{sid}/message"
        api_call(live_server, "POST", path, operator, {"text": text})

    # The tab is hidden: a reply counts in the title, and showing the tab clears it.
    chat.page.evaluate(HIDE_TAB, True)
    reply("Здравствуйте!")
    expect(chat.page).to_have_title(re.compile(r"^\(1\) "), timeout=LIVE)
    chat.page.evaluate(HIDE_TAB, False)
    expect(chat.page).not_to_have_title(re.compile(r"^\("))

    # Another chat is open: the reply shows as a count beside its chat in the list.
    chat.by("new-session").click()
    expect(chat.by("session-item")).to_have_count(2)
    reply("Вы ещё здесь?")
    chat.page.reload()
    unread = chat.by("session-unread")
    expect(unread).to_have_text(["1"])
    # Opening it marks it read; the count goes at once, the server's when that is answered.
    with chat.page.expect_response(lambda r: r.url.endswith(f"/chat/session/{sid}/read")):
        chat.page.locator(f'[data-testid="session-item"][data-session-id="{sid}"]').click()
        expect(chat.messages("operator")).to_have_count(2)
        expect(unread).to_have_count(0)
    listed = api_call(live_server, "GET", "/chat/sessions", token)
    assert [s["unread"] for s in listed] == [0, 0]


def test_on_a_phone_the_widget_fills_the_screen_and_works_by_keyboard(
    setup: tuple[RunningServer, Site, Site], page: Page
) -> None:
    _, site, _ = setup
    seen = watch_page(page)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site.origin)
    launcher = page.get_by_test_id("widget-launcher")
    launcher.focus()
    page.keyboard.press("Enter")
    frame_element = page.get_by_test_id("widget-frame")
    frame = page.frame_locator('[data-testid="widget-frame"]')
    expect(frame.get_by_test_id("chat-input")).to_be_visible()
    box = frame_element.bounding_box()
    assert box is not None and box["width"] == 360
    overflow = frame.locator("html").evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, "the chat scrolls sideways at 360 px"
    frame.get_by_test_id("chat-input").fill("Привет")
    frame.get_by_test_id("chat-input").press("Enter")
    expect(frame.locator('[data-testid="message"][data-sender="bot"]')).to_have_count(1)

    # The visitor registers from the widget and keeps the conversation.
    frame.get_by_test_id("profile-open").click()
    username = f"w_{secrets.token_hex(4)}"
    frame.get_by_test_id("keep-username").fill(username)
    frame.get_by_test_id("keep-password").fill("солнце-светит-2024")
    frame.get_by_test_id("keep-submit").click()
    expect(frame.locator("#user-name")).to_have_text(username)
    expect(frame.locator('[data-testid="message"][data-sender="user"]')).to_have_text(["Привет"])
    frame.get_by_test_id("chat-input").press("Escape")
    expect(frame_element).to_be_hidden()
    expect(launcher).to_be_focused()
    assert seen.page_errors == [] and seen.csp_errors == []


def test_the_link_in_a_reply_email_brings_a_visitor_back_to_the_conversation(
    setup: tuple[RunningServer, Site, Site], tab
) -> None:
    """The widget's storage belongs to the site that embedded it: opened from an email,
    /widget knows nobody. The link's key signs the visitor in there."""
    service, _, _ = setup
    visitor = post_json(f"{service.base_url}/auth/visitor", {})
    token = visitor["access_token"]
    sid = api_call(service.base_url, "POST", "/chat/session", token)["id"]  # type: ignore[index]
    message = {"session_id": sid, "text": "позовите оператора"}
    api_call(service.base_url, "POST", "/chat/message", token, message)
    operator = post_json(f"{service.base_url}/auth/login", create_staff(service))["access_token"]
    api_call(service.base_url, "POST", f"/operator/sessions/{sid}/claim", operator)
    reply = {"text": "Солнце взойдёт в 8:14."}
    api_call(service.base_url, "POST", f"/operator/sessions/{sid}/message", operator, reply)
    user_id = api_call(service.base_url, "GET", "/auth/me", token)["id"]  # type: ignore[index]
    key = create_email_link_key(user_id, service.env["SECRET_KEY"], 7, 0, sid, visitor=True)

    back = tab()  # another browser: nothing stored
    back.page.goto(f"{service.base_url}/widget?{urlencode({'session': sid, 'key': key})}")
    expect(back.by("message").filter(has_text="Солнце взойдёт в 8:14.")).to_be_visible()
    expect(back.page.locator("#user-name")).to_have_text(visitor["display_name"])
    assert "key=" not in back.page.url and f"session={sid}" in back.page.url

    # A key that does not work: a new visitor (or the login form on /), and a word why.
    stale = tab()
    stale.page.goto(f"{service.base_url}/widget?session={sid}&key=stale")
    expect(stale.by("chat-input")).to_be_visible()
    expect(stale.page.locator("#error")).to_contain_text("Ссылка из письма устарела")
    expect(stale.by("message")).to_have_count(0)
    stale.page.goto(f"{service.base_url}/?session={sid}&key=stale")
    expect(stale.by("login-username")).to_be_visible()
    expect(stale.page.locator("#error")).to_contain_text("Ссылка из письма устарела")
