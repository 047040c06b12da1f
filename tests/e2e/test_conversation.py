"""The conversation, finished (issue 14): handovers seen by both sides, safe clearing,
honest loading and connection states, a composer that never loses text, separate
customer and staff logins, renaming and deleting chats, rich text, the keyboard."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import WebSocketRoute, expect

from tests.support.browser import UI, Account, HeldRequests, api_call, seed_token

pytestmark = pytest.mark.e2e

LIVE = 15_000
HANDOFF = "позовите оператора"


def open_console(console: UI, token: str) -> None:
    seed_token(console.page, token)
    console.page.goto("/operator")
    expect(console.by("live-status")).to_have_attribute("data-state", "open", timeout=LIVE)


def current_session(ui: UI) -> str:
    current = ui.page.locator('[data-testid="session-item"][aria-current="true"]')
    expect(current).to_have_count(1)
    return current.get_attribute("data-session-id") or ""


def test_handover_notes_names_rich_text_and_withdrawal_side_by_side(
    chat: UI, tab: Callable[[], UI], staff: Callable[..., tuple[Account, str]]
) -> None:
    _, operator_token = staff("operator", display_name="Ольга")
    console = tab()
    open_console(console, operator_token)

    chat.send(HANDOFF)
    sid = current_session(chat)
    item = console.page.locator(f'[data-testid="queue-item"][data-session-id="{sid}"]')
    item.click()
    console.by("claim").click()
    notes = chat.messages("system")
    expect(notes).to_have_text(["Оператор Ольга подключается к чату"], timeout=LIVE)
    expect(console.messages("system")).to_have_count(1, timeout=LIVE)

    # Markdown from the operator becomes DOM nodes; a javascript: link stays text.
    box = console.by("operator-input")
    box.fill(
        "**Важно:** смотрите [расписание](https://example.com/sun)\n"
        "- первое\n- второе\n[плохая](javascript:alert(1))"
    )
    box.press("Enter")
    reply = chat.messages("operator")
    expect(reply).to_have_count(1, timeout=LIVE)
    expect(reply.locator("strong")).to_have_text("Важно:")
    expect(reply.locator("li")).to_have_text(["первое", "второе"])
    link = reply.get_by_role("link", name="расписание")
    expect(link).to_have_attribute("href", "https://example.com/sun")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(reply.locator("a")).to_have_count(1)
    expect(reply).to_contain_text("[плохая](javascript:alert(1))")
    expect(chat.page.locator(".msg--operator .msg-author")).to_have_text(["Ольга · оператор"])

    # The customer's own words: links clickable, Markdown left as typed.
    chat.by("chat-input").fill("вот тут https://example.com/a, и **не жирно**")
    chat.by("chat-send").click()
    mine = chat.messages("user").last
    expect(mine.get_by_role("link")).to_have_attribute("href", "https://example.com/a")
    expect(mine.locator("strong")).to_have_count(0)
    expect(mine).to_contain_text("**не жирно**")

    console.by("release").click()
    expect(notes).to_have_text(
        ["Оператор Ольга подключается к чату", "Оператор Ольга передаёт чат боту"], timeout=LIVE
    )
    expect(chat.by("chat-status")).to_be_hidden(timeout=LIVE)

    # Asked again and claimed; then the customer clears the chat: the handover ends.
    chat.send(HANDOFF)
    expect(item).to_be_visible(timeout=LIVE)
    item.click()
    console.by("claim").click()
    expect(notes).to_have_count(3, timeout=LIVE)
    chat.by("clear-history").click()
    expect(chat.by("dialog")).to_contain_text("Обращение к оператору будет отозвано")
    chat.by("confirm").click()
    expect(chat.messages()).to_have_count(0)
    expect(chat.by("chat-status")).to_be_hidden()
    expect(console.by("error")).to_contain_text("Клиент очистил историю чата", timeout=LIVE)
    expect(item).to_have_count(0)
    expect(console.by("operator-input")).to_be_disabled()
    expect(console.messages()).to_have_count(0)
    # ...and the bot answers again.
    chat.send("привет")


def test_composer_outbox_new_chat_reuse_rename_and_delete(chat: UI) -> None:
    page, box = chat.page, chat.by("chat-input")
    texts = ["раз", "два", "три"]
    for text in texts:  # faster than the answers come: each waits its turn
        box.fill(text)
        box.press("Enter")
    expect(box).to_have_value("")
    expect(chat.messages("user")).to_have_text(texts)
    expect(chat.messages("bot")).to_have_count(3)
    expect(chat.by("typing")).to_be_hidden()
    ids = page.locator("#message-list > li").evaluate_all("rows => rows.map(r => +r.dataset.id)")
    assert ids == sorted(ids) and len(set(ids)) == 6, ids

    # «Новый чат» twice is one new chat, not two.
    chat.by("new-session").click()
    expect(chat.by("session-item")).to_have_count(2)
    expect(chat.messages()).to_have_count(0)
    chat.by("new-session").click()
    page.wait_for_load_state("networkidle")
    expect(chat.by("session-item")).to_have_count(2)

    # Rename the first chat from the list.
    first = chat.by("session-item").filter(has_text="раз")
    row = page.locator(".session-row").filter(has=first)
    row.get_by_test_id("session-rename").click()
    name = chat.by("dialog-input")
    expect(name).to_be_focused()
    name.fill("Про  доставку\n")
    chat.by("confirm").click()
    expect(chat.by("session-item").filter(has_text="Про доставку")).to_have_count(1)

    # Delete the open (empty) chat: the other one opens; Escape had cancelled before.
    open_row = page.locator(".session-row").filter(
        has=page.locator('[data-testid="session-item"][aria-current="true"]')
    )
    open_row.get_by_test_id("session-delete").click()
    page.keyboard.press("Escape")
    expect(chat.by("session-item")).to_have_count(2)
    open_row.get_by_test_id("session-delete").click()
    chat.by("confirm").click()
    expect(chat.by("session-item")).to_have_count(1)
    expect(page.locator("#chat-title")).to_have_text("Про доставку")
    expect(chat.messages("user")).to_have_text(texts)
    page.reload()
    expect(chat.by("session-item")).to_have_count(1)


def test_loading_skeletons_connection_banner_and_notices_that_clear_themselves(
    chat: UI,
) -> None:
    page = chat.page
    chat.send("привет")

    # A slow network: skeletons, not an empty account.
    sessions_api = re.compile(r"/chat/sessions\?")  # not /static/chat/sessions.js
    with HeldRequests(page, sessions_api, "**/chat/history/**") as slow:
        page.reload()
        expect(chat.by("sessions-skeleton")).to_be_visible()
        expect(page.locator("#chat-title")).to_have_text("Загрузка…")
        expect(chat.by("welcome")).to_be_hidden()
        slow.release()
        expect(chat.by("conversation-skeleton")).to_be_visible()
        slow.release()
    expect(chat.by("sessions-skeleton")).to_be_hidden()
    expect(chat.by("conversation-skeleton")).to_be_hidden()
    expect(chat.messages("user")).to_have_text(["привет"])

    # The server goes away: a banner says so, and a failed send keeps its text.
    down = {"now": False}

    def live(ws: WebSocketRoute) -> None:
        if down["now"]:
            ws.close()
        else:
            ws.connect_to_server()

    page.route_web_socket("**/ws/chat/**", live)
    page.reload()
    expect(chat.messages("user")).to_have_text(["привет"])
    down["now"] = True
    page.route("**/chat/message", lambda route: route.abort())
    page.evaluate("() => window.dispatchEvent(new Event('offline'))")
    banner = chat.by("connection-status")
    # Cut the open socket by reloading with the server "down".
    page.reload()
    expect(banner).to_be_visible(timeout=LIVE)
    expect(banner).to_have_text("Переподключаемся…")
    chat.by("chat-input").fill("важный вопрос")
    chat.by("chat-send").click()
    expect(chat.by("error")).to_contain_text("нет связи с сервером")
    expect(chat.by("chat-input")).to_have_value("важный вопрос")

    # Back again: the banner and the error go by themselves.
    page.unroute("**/chat/message")
    down["now"] = False
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(banner).to_be_hidden(timeout=LIVE)
    expect(chat.by("error")).to_be_hidden()


def test_separate_logins_skip_link_headings_and_one_tab_stop_per_answer(
    chat: UI,
    staff: Callable[..., tuple[Account, str]],
    live_server: str,
) -> None:
    page = chat.page
    customer = chat.account
    assert customer is not None

    # An operator logs in at /operator in the same browser: the customer stays.
    operator, operator_token = staff("operator")
    console = UI(page.context.new_page())
    console.page.goto("/operator")
    expect(console.page.locator("h1").first).to_have_text("Консоль оператора")
    console.fill_credentials(operator)
    console.by("login-submit").click()
    expect(console.page.locator("#user-name")).to_have_text(operator.username)
    headings = console.page.locator("h1:visible, h1.visually-hidden")
    expect(headings.first).to_have_text("Консоль оператора")  # even with nothing open
    page.reload()
    expect(page.locator("#user-name")).to_have_text(customer.username)
    console.by("logout").click()
    expect(console.by("login-username")).to_be_visible()
    page.reload()
    expect(page.locator("#user-name")).to_have_text(customer.username)
    console.page.close()

    # Headings in order, H1 first.
    levels = page.evaluate(
        """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
             .filter((h) => h.getClientRects().length || h.classList.contains('visually-hidden'))
             .map((h) => Number(h.tagName[1]))"""
    )
    assert levels[0] == 1, levels
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels

    # The skip link leads to the composer.
    page.locator(".brand-name").click()  # start where a reader starts: the top
    page.keyboard.press("Shift+Tab")
    expect(chat.by("skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(chat.by("chat-input")).to_be_focused()

    # 👍/👎: one tab stop per answer, arrows move between them, thanks are said.
    chat.send("привет")
    chat.send("как дела?")
    groups = page.locator(".msg-feedback")
    expect(groups).to_have_count(2)
    stops = page.locator('.msg-feedback button[tabindex="0"]')
    expect(stops).to_have_count(2)
    up = page.locator(".msg-feedback").first.get_by_test_id("feedback-up")
    up.focus()
    page.keyboard.press("ArrowRight")
    down = page.locator(".msg-feedback").first.get_by_test_id("feedback-down")
    expect(down).to_be_focused()
    page.keyboard.press("Enter")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(chat.by("announcer")).to_have_text("Спасибо, учтём.")
    expect(page.locator(".msg-feedback").first).to_contain_text("Спасибо, учтём.")
    expect(stops).to_have_count(2)
    # One's own messages are never in a live region; the list itself is not one.
    expect(page.locator("#message-list[aria-live], #message-list[role=log]")).to_have_count(0)

    # The rating: a radio group with arrow keys (a chat of this customer, closed by the
    # operator over HTTP, then opened from the list).
    token = chat.token()
    sid = api_call(live_server, "POST", "/chat/session", token)["id"]
    api_call(live_server, "POST", "/chat/message", token, {"session_id": sid, "text": HANDOFF})
    for action in ("claim", "resolve"):
        api_call(live_server, "POST", f"/operator/sessions/{sid}/{action}", operator_token)
    page.reload()
    page.locator(f'[data-testid="session-item"][data-session-id="{sid}"]').click()
    expect(page.get_by_role("radiogroup")).to_be_visible(timeout=LIVE)
    page.get_by_role("radio", name="1 из 5").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    third = page.get_by_role("radio", name="3 из 5")
    expect(third).to_be_focused()
    expect(third).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("radio", checked=True)).to_have_count(1)


def test_quick_replies_reach_the_other_tab_and_the_console_shows_what_was_offered(
    chat: UI, tab: Callable[[], UI], staff: Callable[..., tuple[Account, str]]
) -> None:
    chat.send("привет")  # the chat exists, so the second tab opens the same one
    greeted = chat.by("suggestion").all_inner_texts()
    assert greeted, "the greeting offers quick replies"
    other = UI(chat.page.context.new_page())  # a second tab of the same person
    other.page.goto("/")
    expect(other.messages()).to_have_count(2)  # what follows comes live (or as catch-up)

    chat.send("Солнце светит слабо")
    expect(chat.by("suggestion")).to_have_count(2)
    offered = chat.by("suggestion").all_inner_texts()
    # The other tab hears the answer live and offers the same quick replies under it.
    expect(other.messages("bot")).to_have_count(2, timeout=LIVE)
    expect(other.by("suggestion")).to_have_text(offered)

    # The operator sees what the customer was offered, as a line, not as buttons.
    _, operator_token = staff("operator")
    chat.send(HANDOFF)
    console = tab()
    open_console(console, operator_token)
    console.page.locator(f'[data-session-id="{current_session(chat)}"]').click()
    expect(console.messages("bot")).to_have_count(3)
    lines = [f"Варианты: {' · '.join(texts)}" for texts in (greeted, offered)]
    expect(console.by("offered")).to_have_text(lines)
    expect(console.by("suggestion")).to_have_count(0)
    # The handoff answer took the quick replies away in both tabs.
    expect(chat.by("suggestion")).to_have_count(0)
    expect(other.by("suggestion")).to_have_count(0, timeout=LIVE)
