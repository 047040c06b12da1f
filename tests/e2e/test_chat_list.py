"""The sidebar's list of chats: by last activity, and «Показать ещё» past the first 50."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.support.browser import UI, Account, api_call, assert_accessible

pytestmark = pytest.mark.e2e

LIVE = 15_000  # a live event crosses the server's hub and the socket


def write_chats(ui: UI, texts: list[str]) -> list[str]:
    """A chat per text, oldest first, each named by its text (none is empty, so «Новый чат»
    makes a new one); their ids."""
    headers = {"Authorization": f"Bearer {ui.token()}"}
    ids = []
    for text in texts:
        created = ui.page.request.post("/chat/session", headers=headers)
        assert created.status == 200, created.text()
        sid = created.json()["id"]
        said = ui.page.request.post(
            "/chat/message", data={"session_id": sid, "text": text}, headers=headers
        )
        assert said.status == 201, said.text()
        ids.append(sid)
    return ids


def test_show_more_lists_older_chats_that_keep_working(chat: UI) -> None:
    page = chat.page
    titles = [f"Вопрос номер {n:02d}" for n in range(55)]
    write_chats(chat, titles)  # the page's empty chat is the first of them
    # ...and the chat last opened, which the page would list as far as needed to open it
    page.evaluate(
        """() => Object.keys(localStorage)
                   .filter((key) => key.startsWith("sunsupport.lastSession"))
                   .forEach((key) => localStorage.removeItem(key))"""
    )
    page.reload()
    items = chat.by("session-item")
    expect(items).to_have_count(50)
    expect(items.first).to_have_text(titles[54])
    expect(items.last).to_have_text(titles[5])
    more = page.get_by_role("button", name="Показать ещё")
    expect(more).to_be_visible()
    assert_accessible(page, "a list with more chats")

    # By keyboard: the next chats are added and focus goes to the first of them.
    more.focus()
    page.keyboard.press("Enter")
    expect(items).to_have_count(55)
    expect(items).to_have_text(titles[::-1])
    expect(items.nth(50)).to_be_focused()
    expect(more).to_be_hidden()
    expect(chat.by("announcer")).to_have_text("Показано ещё 5 чатов, это все ваши чаты")

    # An older chat opens, and a message written in it brings it to the top.
    items.filter(has_text=titles[0]).click()
    expect(chat.messages("user")).to_have_text([titles[0]])
    chat.send("И ещё вопрос")
    expect(items.first).to_have_text(titles[0])
    expect(items.first).to_have_attribute("aria-current", "true")
    expect(items).to_have_count(55)

    # Renaming and deleting one past the first 50.
    row = page.locator(".session-row").filter(has_text=titles[1])
    row.get_by_test_id("session-rename").click()
    chat.by("dialog-input").fill("Переименованный старый чат")
    chat.by("confirm").click()
    expect(items.filter(has_text="Переименованный старый чат")).to_have_count(1)
    row = page.locator(".session-row").filter(has_text=titles[2])
    row.get_by_test_id("session-delete").click()
    chat.by("confirm").click()
    expect(items).to_have_count(54)
    expect(items.filter(has_text=titles[2])).to_have_count(0)

    # A new chat comes first, and the list stays as long as it was.
    chat.by("new-session").click()
    expect(items).to_have_count(55)
    expect(items.first).to_have_text("Новый чат")
    expect(items.first).to_have_attribute("aria-current", "true")
    expect(items.nth(1)).to_have_text(titles[0])
    expect(more).to_be_hidden()

    # Next visit: the 50 most recently active, the one written in first.
    page.reload()
    expect(items).to_have_count(50)
    expect(items.nth(1)).to_have_text(titles[0])
    expect(more).to_be_visible()

    # A chat opened after «Показать ещё» opens again on the next visit, marked in the list.
    more.click()
    items.filter(has_text=titles[3]).click()
    expect(chat.messages("user")).to_have_text([titles[3]])
    page.reload()
    expect(chat.messages("user")).to_have_text([titles[3]])
    expect(items.filter(has_text=titles[3])).to_have_attribute("aria-current", "true")
    expect(page.locator("#chat-title")).to_have_text(titles[3])


def test_a_chat_with_a_new_message_moves_to_the_top(
    chat: UI, live_server: str, staff: Callable[..., tuple[Account, str]]
) -> None:
    _, operator = staff("operator")
    handed, other = write_chats(chat, ["Позовите оператора", "Про погоду на Солнце"])
    api_call(live_server, "POST", f"/operator/sessions/{handed}/claim", operator)
    # the claim's note made it the newest: one more message in the other chat
    chat_token = chat.token()
    api_call(live_server, "POST", "/chat/message", chat_token, {"session_id": other, "text": "ау"})
    page = chat.page
    page.reload()
    items = chat.by("session-item")
    expect(items).to_have_text(["Про погоду на Солнце", "Позовите оператора"])

    # The operator's reply arrives live in the open chat: it comes to the top.
    items.filter(has_text="Позовите оператора").click()
    expect(chat.messages("system")).to_have_count(1)
    reply = {"text": "Здравствуйте, чем помочь?"}
    api_call(live_server, "POST", f"/operator/sessions/{handed}/message", operator, reply)
    expect(chat.messages("operator")).to_have_count(1, timeout=LIVE)
    expect(items).to_have_text(["Позовите оператора", "Про погоду на Солнце"])

    # The user's own message does the same.
    items.filter(has_text="Про погоду на Солнце").click()
    expect(chat.messages("user")).to_have_text(["Про погоду на Солнце", "ау"])
    chat.send("А завтра?")
    expect(items).to_have_text(["Про погоду на Солнце", "Позовите оператора"])
