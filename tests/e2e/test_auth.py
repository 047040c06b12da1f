"""Registration, login, logout and an invalid or expired token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import UI, Account, new_username

pytestmark = pytest.mark.e2e

WELCOME = "Привет! Я бот техподдержки Солнца"


def test_register_then_logout(ui: UI) -> None:
    account = ui.register()
    expect(ui.page.locator("#user-name")).to_have_text(account.username)
    expect(ui.page.get_by_text(WELCOME)).to_be_visible()
    expect(ui.messages()).to_have_count(0)  # the welcome line is drawn, not a stored message
    expect(ui.by("error")).to_be_hidden()
    assert ui.token()

    ui.by("logout").click()
    expect(ui.by("login-username")).to_be_visible()
    expect(ui.by("chat-input")).to_be_hidden()
    assert ui.token() is None
    ui.page.reload()
    expect(ui.by("login-username")).to_be_visible()
    expect(ui.by("error")).to_be_hidden()


def test_login_and_form_errors(ui: UI) -> None:
    ui.page.goto("/")
    account = ui.register_via_api()

    ui.fill_credentials(account)
    ui.by("register-submit").click()
    expect(ui.by("error")).to_contain_text("уже занято")

    ui.fill_credentials(Account(new_username(), "корот"))
    ui.by("register-submit").click()
    expect(ui.by("error")).to_contain_text("Пароль: от 8 до 128 символов")

    ui.fill_credentials(Account("a!", "достаточно-длинный"))
    ui.by("register-submit").click()
    expect(ui.by("error")).to_contain_text("Имя пользователя: от 4 до 20 символов")

    ui.fill_credentials(Account(account.username, "неверный-пароль"))
    ui.by("login-submit").click()
    expect(ui.by("error")).to_have_text(re.compile("Неверное имя пользователя или пароль"))
    expect(ui.by("chat-input")).to_be_hidden()

    ui.fill_credentials(account)
    ui.by("login-submit").click()
    expect(ui.by("chat-input")).to_be_visible()
    expect(ui.by("error")).to_be_hidden()
    expect(ui.by("session-item")).to_have_count(1)


def test_invalid_stored_token_shows_login_with_message(ui: UI) -> None:
    ui.page.goto("/")
    expect(ui.by("login-username")).to_be_visible()
    dead = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.invalid"
    ui.set_token(dead)
    ui.page.reload()
    expect(ui.by("login-username")).to_be_visible()
    expect(ui.by("error")).to_contain_text("Сессия истекла, войдите снова")
    # Refused, the token is forgotten but stays stored (only signing out removes it: what
    # this tab reads may be another tab's newer one); signing in replaces it.
    assert ui.token() == dead
    ui.register()
    assert ui.token() not in (None, dead)


def test_token_expiring_mid_chat_keeps_the_draft(chat: UI) -> None:
    chat.page.route(
        "**/chat/message",
        lambda route: route.fulfill(status=401, json={"detail": "Token expired"}),
    )
    chat.by("chat-input").fill("мой важный вопрос")
    chat.by("chat-send").click()
    expect(chat.by("login-username")).to_be_visible()
    expect(chat.by("error")).to_contain_text("Сессия истекла")
    chat.page.unroute("**/chat/message")

    assert chat.account is not None
    chat.fill_credentials(chat.account)
    chat.by("login-submit").click()
    expect(chat.by("chat-input")).to_have_value("мой важный вопрос")
