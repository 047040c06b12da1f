"""Server errors, rate limits and network failures: a Russian message, the text kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Response, expect

from tests.support.browser import UI, HeldRequests

pytestmark = pytest.mark.e2e


def test_failures_keep_the_typed_text(chat: UI) -> None:
    page = chat.page

    def mark_read() -> None:
        """The tab comes back into view: the page marks the open chat read."""
        page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")

    def settled(answer: Response) -> None:
        """Give the page the time to handle that answer (an error must outlive it)."""
        answer.finished()
        page.wait_for_timeout(200)

    def another_request_answered() -> None:
        """The chat is marked read meanwhile, and the page has handled the answer."""
        with page.expect_response("**/read") as answered:
            mark_read()
        settled(answered.value)

    def sending_answers(status: int, detail: str, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after else None
        page.unroute("**/chat/message")
        page.route(
            "**/chat/message",
            lambda route: route.fulfill(status=status, json={"detail": detail}, headers=headers),
        )

    sending_answers(500, "Internal Server Error")
    chat.by("chat-input").fill("где моё солнце?")
    chat.by("chat-send").click()
    expect(chat.by("error")).to_be_visible()
    expect(chat.by("error")).to_contain_text("сервер")
    expect(chat.by("error")).to_have_text(re.compile("^[^A-Za-z]+$"))  # Russian, no raw detail
    expect(chat.by("chat-input")).to_have_value("где моё солнце?")
    expect(chat.messages()).to_have_count(0)
    expect(chat.by("typing")).to_be_hidden()
    another_request_answered()  # it must not hide the error
    expect(chat.by("error")).to_contain_text("сервер")

    sending_answers(429, "Too many requests", retry_after="7")
    chat.by("chat-input").press("Enter")
    expect(chat.by("error")).to_contain_text("Подождите 7 секунд")
    expect(chat.by("chat-input")).to_have_value("где моё солнце?")

    # The service's own "busy" answer says how long to wait.
    sending_answers(503, "Server busy", retry_after="5")
    chat.by("chat-input").press("Enter")
    expect(chat.by("error")).to_contain_text("временно недоступен")
    expect(chat.by("error")).to_contain_text("Подождите 5 секунд")
    another_request_answered()  # it is this send's answer, not a lost connection: it stays
    expect(chat.by("error")).to_contain_text("Подождите 5 секунд")
    expect(chat.by("chat-input")).to_have_value("где моё солнце?")

    page.unroute("**/chat/message")
    page.route("**/chat/message", lambda route: route.abort("connectionrefused"))
    # A request sent before the failure and answered after it proves nothing.
    with HeldRequests(page, "**/read") as reads:
        with page.expect_request("**/read"):
            mark_read()
        chat.by("chat-input").press("Enter")
        expect(chat.by("error")).to_contain_text("нет связи с сервером")
        expect(chat.by("chat-input")).to_have_value("где моё солнце?")
        with page.expect_response("**/read") as answered:
            reads.release()
        settled(answered.value)
    expect(chat.by("error")).to_contain_text("нет связи с сервером")
    with page.expect_response("**/read"):
        mark_read()  # sent after the failure, answered: the connection is back
    expect(chat.by("error")).to_be_hidden()

    page.unroute("**/chat/message")
    chat.by("chat-send").click()
    expect(chat.messages("user")).to_have_text(["где моё солнце?"])
    expect(chat.messages("bot")).to_have_count(1)
    expect(chat.by("error")).to_be_hidden()
    expect(chat.by("chat-input")).to_have_value("")
