"""The operator console and the user's page side by side (two browser contexts)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import WebSocketRoute, expect

from tests.support.browser import UI, Account, api_call, seed_token

pytestmark = pytest.mark.e2e

LIVE = 15_000  # live events on a busy two-core machine
HANDOFF = "позовите оператора"


def session_id_of(ui: UI) -> str:
    current = ui.page.locator('[data-testid="session-item"][aria-current="true"]')
    expect(current).to_have_count(1)
    value = current.get_attribute("data-session-id")
    assert value
    return value


def queue_item(console: UI, session_id: str):
    return console.page.locator(f'[data-testid="queue-item"][data-session-id="{session_id}"]')


def handoff_via_api(live_server: str, token: str) -> str:
    """A user conversation waiting for an operator, made over HTTP."""
    session_id = api_call(live_server, "POST", "/chat/session", token)["id"]
    posted = api_call(
        live_server, "POST", "/chat/message", token, {"session_id": session_id, "text": HANDOFF}
    )
    assert posted["intent"] == "operator", posted
    return session_id


def open_console(console: UI, token: str, fragment: str = "") -> None:
    seed_token(console.page, token)
    console.page.goto(f"/operator{fragment}")
    expect(console.by("live-status")).to_have_attribute("data-state", "open", timeout=LIVE)


def test_handoff_reply_resolve_and_rating_live(
    chat: UI, tab: Callable[[], UI], staff: Callable[[str], tuple[Account, str]]
) -> None:
    operator, _ = staff("operator")
    console = tab()
    console.page.goto("/operator")
    console.fill_credentials(operator)
    console.by("login-submit").click()
    expect(console.page.locator("#user-name")).to_have_text(operator.username)
    expect(console.by("live-status")).to_have_attribute("data-state", "open", timeout=LIVE)

    # The user asks for a human: the bot answers once, the page says an operator is coming.
    chat.send(HANDOFF)
    expect(chat.by("chat-status")).to_have_text("Ждём оператора…", timeout=LIVE)
    session_id = session_id_of(chat)

    # The console hears about it without a reload, with a title badge.
    item = queue_item(console, session_id)
    expect(item).to_be_visible(timeout=LIVE)
    expect(item).to_contain_text(chat.account.username)
    expect(item).to_contain_text("ждёт")
    expect(console.page).to_have_title(re.compile(r"^\(1\) "))
    item.click()
    expect(console.page).not_to_have_title(re.compile(r"^\("))

    # The bot's earlier exchange is there, labelled.
    expect(console.messages("user")).to_have_text([HANDOFF])
    expect(console.messages("bot")).to_have_count(1)
    expect(console.page.locator(".msg--user .msg-author")).to_have_text(["Клиент"])
    expect(console.page.locator(".msg--bot .msg-author")).to_have_text(["Бот"])
    expect(console.by("operator-input")).to_be_disabled()

    console.by("claim").click()
    expect(console.by("operator-input")).to_be_enabled()
    expect(console.by("release")).to_be_visible()
    expect(chat.by("chat-status")).to_have_text("Оператор на связи", timeout=LIVE)

    # Typing shows on the other side, then the reply arrives live (Enter sends).
    console.by("operator-input").fill("Здравствуйте! Я оператор, чем помочь?")
    expect(chat.by("typing")).to_contain_text("Оператор печатает", timeout=LIVE)
    console.by("operator-input").press("Enter")
    expect(console.by("operator-input")).to_have_value("")
    reply = chat.messages("operator")
    expect(reply).to_have_text(["Здравствуйте! Я оператор, чем помочь?"], timeout=LIVE)
    # signed with the operator's name (the username: no display name was given)
    expect(chat.page.locator(".msg--operator .msg-author")).to_have_text(
        [f"{operator.username} · оператор"]
    )
    expect(console.messages("operator")).to_have_count(1)  # the POST and the stream: once

    # The user answers: no bot typing and no bot answer while a human has the chat.
    bots_before = chat.messages("bot").count()
    chat.by("chat-input").fill("Солнце не взошло над Тверью")
    expect(console.by("typing")).to_contain_text("Клиент печатает", timeout=LIVE)
    chat.by("chat-send").click()
    expect(chat.messages("user")).to_have_count(2)
    expect(console.messages("user")).to_have_text(
        [HANDOFF, "Солнце не взошло над Тверью"], timeout=LIVE
    )
    expect(chat.by("typing")).to_be_hidden()
    expect(chat.messages("bot")).to_have_count(bots_before)
    expect(chat.messages("user")).to_have_count(2)  # the live echo did not duplicate it

    # Resolve → the user rates the conversation.
    console.by("resolve").click()
    expect(console.by("conv-status")).to_have_text("завершён")
    expect(queue_item(console, session_id)).to_have_count(0)
    expect(chat.by("chat-status")).to_have_text("Разговор завершён", timeout=LIVE)
    rating = chat.by("rating")
    expect(rating).to_be_visible()
    rating.locator('[data-testid="rating-star"][data-value="5"]').click()
    expect(rating.locator('[data-value="5"]')).to_have_attribute("aria-checked", "true")
    chat.by("rating-comment").fill("Быстро и по делу")
    chat.by("rating-submit").click()
    expect(chat.by("rating-done")).to_contain_text("5 из 5")
    expect(rating).to_be_hidden()

    # After a reload everything is still there, exactly once.
    chat.page.reload()
    expect(chat.messages("operator")).to_have_count(1)
    expect(chat.messages("user")).to_have_count(2)
    expect(chat.by("rating-done")).to_contain_text("5 из 5")


def test_two_operators_race_for_one_conversation(
    tab: Callable[[], UI],
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    _, user_token = account_pool()
    session_id = handoff_via_api(live_server, user_token)
    _, first_token = staff("operator")
    _, second_token = staff("operator")

    first = tab()
    open_console(first, first_token)

    # The second console's live stream is cut, so it still believes the chat is waiting.
    second = tab()
    second.page.context.route_web_socket("**/ws/staff", lambda ws: _silence(ws))
    seed_token(second.page, second_token)
    second.page.goto(f"/operator#session={session_id}")  # the admin page's deep link
    expect(second.by("claim")).to_be_visible()
    expect(second.messages("user")).to_have_text([HANDOFF])

    queue_item(first, session_id).click()
    first.by("claim").click()
    expect(first.by("release")).to_be_visible()
    expect(first.by("operator-input")).to_be_enabled()

    second.by("claim").click()
    expect(second.by("error")).to_have_text("Разговор уже взял другой оператор")
    expect(second.by("operator-input")).to_be_disabled()
    expect(second.by("claim")).to_be_hidden()  # it now knows the truth

    # Handing it back to the bot takes it off the first console's queue.
    first.by("release").click()
    expect(queue_item(first, session_id)).to_have_count(0)
    expect(first.by("conv-status")).to_have_text("с ботом")


def _silence(ws: WebSocketRoute) -> None:
    """Accept the page's WebSocket and never answer (no server behind it)."""


def test_feedback_toggles_and_persists(chat: UI) -> None:
    chat.send("привет")
    bot = chat.page.locator(".msg--bot").first
    up, down = bot.get_by_test_id("feedback-up"), bot.get_by_test_id("feedback-down")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "false")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "false")

    chat.page.reload()
    bot = chat.page.locator(".msg--bot").first
    up, down = bot.get_by_test_id("feedback-up"), bot.get_by_test_id("feedback-down")
    expect(up).to_have_attribute("aria-pressed", "true")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    chat.page.reload()
    expect(chat.page.locator(".msg--bot").first.get_by_test_id("feedback-down")).to_have_attribute(
        "aria-pressed", "true"
    )
    # The user's own messages have no feedback buttons.
    expect(chat.page.locator(".msg--user .feedback-btn")).to_have_count(0)


def test_a_user_is_not_let_into_the_console(chat: UI) -> None:
    chat.page.goto("/operator")
    expect(chat.by("denied")).to_have_text("Нужна учётная запись оператора")
    expect(chat.by("queue-item")).to_have_count(0)
