"""Sending messages, history, sessions, clearing, suggestions."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Route, expect

from tests.support.browser import UI, Account, new_username

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=alert(1)>"


def test_send_shows_typing_then_answer_and_survives_reload(chat: UI) -> None:
    chat.by("chat-input").fill("привет")
    chat.by("chat-send").click()
    expect(chat.by("typing")).to_be_visible()
    expect(chat.messages("user")).to_have_text(["привет"])
    expect(chat.messages("bot")).to_have_count(1)
    expect(chat.by("typing")).to_be_hidden()
    expect(chat.by("chat-input")).to_have_value("")
    expect(chat.by("session-item")).to_have_text("привет")  # the title is the first message

    answer = chat.messages("bot").inner_text()
    chat.page.reload()
    expect(chat.messages()).to_have_count(2)
    expect(chat.messages("user")).to_have_text(["привет"])
    expect(chat.messages("bot")).to_have_text([answer])
    expect(chat.page.get_by_text("Привет! Я бот техподдержки Солнца")).to_be_hidden()


def test_sessions_switch_and_last_chat_reopens(chat: UI) -> None:
    chat.send("привет")
    chat.by("new-session").click()
    expect(chat.by("session-item")).to_have_count(2)
    expect(chat.messages()).to_have_count(0)
    chat.send("какая погода на солнце?")

    first, second = "привет", "какая погода на солнце?"
    items = chat.by("session-item")
    expect(items.first).to_have_text(second)  # newest first
    expect(items.first).to_have_attribute("aria-current", "true")

    items.filter(has_text=first).click()
    expect(chat.messages("user")).to_have_text([first])
    items.filter(has_text=second).click()
    expect(chat.messages("user")).to_have_text([second])

    items.filter(has_text=first).click()
    expect(chat.messages("user")).to_have_text([first])
    chat.page.reload()
    expect(chat.messages("user")).to_have_text([first])
    expect(chat.by("session-item")).to_have_count(2)


def test_clear_history(chat: UI) -> None:
    chat.send("привет")
    chat.send("пока")
    expect(chat.messages()).to_have_count(4)
    clear = chat.by("clear-history")
    # It asks first, in the page; Escape cancels and focus comes back to the button.
    clear.click()
    expect(chat.by("confirm")).to_be_visible()
    expect(chat.by("dialog")).to_contain_text("Очистить историю чата?")
    chat.page.keyboard.press("Escape")
    expect(chat.by("confirm")).to_be_hidden()
    expect(clear).to_be_focused()
    expect(chat.messages()).to_have_count(4)
    clear.click()
    chat.by("confirm").click()
    expect(chat.messages()).to_have_count(0)
    expect(chat.page.get_by_text("Привет! Я бот техподдержки Солнца")).to_be_visible()
    chat.page.reload()
    expect(chat.by("chat-input")).to_be_visible()
    expect(chat.page.get_by_text("Привет! Я бот техподдержки Солнца")).to_be_visible()
    expect(chat.messages()).to_have_count(0)


def test_xss_payload_is_shown_as_text(chat: UI, watch) -> None:
    chat.send(XSS)
    expect(chat.messages("user")).to_have_text([XSS])
    assert chat.page.locator('[data-testid="message"] img').count() == 0
    chat.page.reload()
    expect(chat.messages("user")).to_have_text([XSS])
    assert chat.page.locator('[data-testid="message"] img').count() == 0
    assert watch.dialogs == []


def test_suggestions_and_null_answer(chat: UI) -> None:
    # The empty chat offers starter questions.
    expect(chat.by("suggestion").first).to_be_visible()

    def add_suggestions(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        body["suggestions"] = ["Когда будет солнце?", "Спасибо"]
        route.fulfill(response=response, body=json.dumps(body))

    chat.page.route("**/chat/message", add_suggestions)
    chat.send("привет")
    expect(chat.by("suggestion")).to_have_text(["Когда будет солнце?", "Спасибо"])
    chat.page.unroute("**/chat/message")

    chat.by("suggestion").first.click()
    expect(chat.messages("user")).to_have_text(["привет", "Когда будет солнце?"])
    expect(chat.messages("bot")).to_have_count(2)
    expect(chat.by("suggestion")).to_have_count(0)

    # A null answer (an operator will reply later): nothing more is drawn.
    reply = {"answer": None, "intent": None, "confidence": 0, "suggestions": []}
    reply |= {"message_id": 10**9, "answer_id": None}
    chat.page.route("**/chat/message", lambda route: route.fulfill(status=201, json=reply))
    chat.by("chat-input").fill("позовите человека")
    chat.by("chat-send").click()
    expect(chat.messages("user")).to_have_count(3)
    expect(chat.by("typing")).to_be_hidden()
    expect(chat.messages("bot")).to_have_count(2)
    expect(chat.by("error")).to_be_hidden()


def test_the_last_answers_quick_replies_come_back_after_a_reload(chat: UI) -> None:
    chat.send("Солнце светит слабо")
    expect(chat.messages("bot")).to_contain_text(["Возможно, вы имели в виду"])
    expect(chat.by("suggestion")).to_have_count(2)  # a clarification between two readings
    offered = chat.by("suggestion").all_inner_texts()

    chat.page.reload()
    expect(chat.messages()).to_have_count(2)
    expect(chat.by("suggestion")).to_have_text(offered)
    chat.by("suggestion").first.click()
    expect(chat.messages("user")).to_have_text(["Солнце светит слабо", offered[0]])
    expect(chat.messages("bot")).to_have_count(2)

    # Only the last answer's: one that offered nothing leaves none, before and after a reload.
    chat.send("Пока")
    expect(chat.by("suggestion")).to_have_count(0)
    chat.page.reload()
    expect(chat.messages()).to_have_count(6)
    expect(chat.by("suggestion")).to_have_count(0)


def test_load_earlier_messages(chat: UI) -> None:
    token = chat.token()
    headers = {"Authorization": f"Bearer {token}"}
    session_id = chat.by("session-item").get_attribute("data-session-id")
    for n in range(55):  # 110 stored messages: more than one page of 100
        response = chat.page.request.post(
            "/chat/message", data={"session_id": session_id, "text": f"вопрос {n}"}, headers=headers
        )
        assert response.status == 201, response.text()
    chat.page.reload()
    expect(chat.messages()).to_have_count(100)
    earlier = chat.page.get_by_role("button", name="Показать более ранние сообщения")
    expect(earlier).to_be_visible()
    earlier.click()
    expect(chat.messages()).to_have_count(110)
    expect(chat.messages("user").first).to_have_text("вопрос 0")
    expect(earlier).to_be_hidden()


def test_message_sent_right_after_login_lands_in_the_opened_chat(ui: UI) -> None:
    ui.page.goto("/")
    ui.fill_credentials(Account(new_username()))
    ui.by("register-submit").click()
    ui.by("chat-input").fill("привет")  # as soon as the chat shows, before it has loaded
    ui.by("chat-send").click()
    expect(ui.messages("user")).to_have_text(["привет"])
    expect(ui.messages("bot")).to_have_count(1)
    expect(ui.by("session-item")).to_have_count(1)
    ui.page.reload()
    expect(ui.messages()).to_have_count(2)
