"""The profile panel (password, sign-out everywhere, my data, deleting the account) and
the admin page's «Журнал» tab."""

from __future__ import annotations

import json
import secrets
import urllib.error
from collections.abc import Callable

import pytest
from playwright.sync_api import Route, expect

from tests.support.browser import UI, Account, HeldRequests, api_call, post_json, seed_token

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "amber-sunrise-77"


def test_the_profile_panel_from_password_change_to_deleting_the_account(
    chat: UI, live_server: str
) -> None:
    account = chat.account
    chat.send("привет")
    other = UI(chat.page.context.new_page())  # a second tab of the same person
    other.page.goto("/")
    expect(other.by("chat-input")).to_be_visible()

    chat.by("profile-open").click()
    expect(chat.by("password-current")).to_be_focused()  # a user starts at the password
    chat.by("password-current").fill(account.password)
    chat.by("password-new").fill("password")
    chat.by("password-submit").click()
    expect(chat.by("profile-error")).to_contain_text("слишком распространён")
    chat.by("password-new").fill(NEW_PASSWORD)
    chat.by("password-submit").click()
    expect(chat.by("profile-status")).to_contain_text("Пароль изменён")

    # The other tab's token was revoked: its live connection closes at once, and its next
    # request shows the login form, saying why.
    expect(other.by("login-username")).to_be_visible()
    expect(other.by("error")).to_contain_text("пароль был изменён")
    # This tab carries on with its new token, live updates included.
    chat.by("profile-close").click()
    chat.send("спасибо")

    chat.by("profile-open").click()
    with chat.page.expect_download() as download:
        chat.by("export-data").click()
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert exported["account"]["username"] == account.username
    texts = [m["text"] for chat_ in exported["chats"] for m in chat_["messages"]]
    assert "привет" in texts and "спасибо" in texts

    chat.by("delete-account").click()
    expect(chat.by("delete-step")).to_contain_text(f"аккаунт «{account.username}»")
    expect(chat.by("delete-step")).to_contain_text("1 чат и 4 сообщения")
    chat.by("delete-confirm").click()
    expect(chat.by("profile-error")).to_contain_text("текущий пароль")
    chat.by("password-current").fill(NEW_PASSWORD)
    chat.by("delete-confirm").click()
    expect(chat.by("login-username")).to_be_visible()
    expect(chat.by("error")).to_contain_text("Аккаунт и все ваши данные удалены")
    credentials = {"username": account.username, "password": NEW_PASSWORD}
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(f"{live_server}/auth/login", credentials)
    assert refused.value.code == 401


def test_a_password_change_answered_after_the_other_tab_signed_out(chat: UI) -> None:
    """The other tab signs out (removing the stored token, which this tab hears: it
    then has no token) while this tab's password change is on its way: once answered,
    this tab carries on with its new token, even for a request refused in between for
    having none, instead of showing the login form."""
    chat.send("привет")
    other = UI(chat.page.context.new_page())
    other.page.goto("/")
    expect(other.by("chat-input")).to_be_visible()

    def answer_late(route: Route) -> None:
        other.by("logout").click()  # the other tab signs out first ...
        expect(other.by("login-username")).to_be_visible()
        route.fulfill(response=route.fetch())  # ... then the change is made and answered

    chat.page.route("**/auth/password", answer_late)
    chat.by("profile-open").click()
    chat.by("password-current").fill(chat.account.password)
    chat.by("password-new").fill(NEW_PASSWORD)
    chat.by("password-submit").click()
    expect(chat.by("profile-status")).to_contain_text("Пароль изменён")
    chat.by("profile-close").click()
    chat.send("спасибо")
    expect(chat.by("login-username")).to_be_hidden()
    chat.page.reload()  # the new token was kept for this tab
    expect(chat.by("chat-input")).to_be_visible()


STALE_TOKEN_READS = """
  // Chromium's localStorage is only eventually consistent between a browser's processes:
  // a tab can still read the value it loaded with after another tab wrote a newer one (CI
  // met it). This tab's reads of the token are held at its first value to make that
  // happen every time.
  (() => {
    const read = Storage.prototype.getItem;
    const seen = new Map();
    Storage.prototype.getItem = function (key) {
      if (!seen.has(key)) seen.set(key, read.call(this, key));
      return seen.get(key);
    };
  })();
"""


def test_a_tab_refused_after_the_password_change_leaves_the_new_token_alone(chat: UI) -> None:
    """The other tab meets its revoked token only after this tab stored the new one, and
    still sees the old one in storage: it must not remove what is stored, or this tab
    (and its next reload) would lose the new token."""
    chat.send("привет")
    other = UI(chat.page.context.new_page())
    other.page.add_init_script(STALE_TOKEN_READS)
    other.page.goto("/")
    expect(other.by("chat-input")).to_be_visible()
    chat.by("profile-open").click()
    chat.by("password-current").fill(chat.account.password)
    chat.by("password-new").fill(NEW_PASSWORD)
    # Its live connection closes and it asks who it is; the answer comes only after this
    # tab stored its new token.
    with HeldRequests(other.page, "**/auth/me") as who_am_i:
        chat.by("password-submit").click()
        expect(chat.by("profile-status")).to_contain_text("Пароль изменён")
        who_am_i.release()
    expect(other.by("login-username")).to_be_visible()

    chat.by("profile-close").click()
    chat.send("спасибо")
    chat.page.reload()
    expect(chat.by("chat-input")).to_be_visible()


def test_sign_out_everywhere_from_the_profile_panel(chat: UI) -> None:
    chat.by("profile-open").click()
    chat.by("logout-all").click()
    expect(chat.by("login-username")).to_be_visible()
    expect(chat.by("error")).to_contain_text("на всех устройствах")
    chat.fill_credentials(chat.account)
    chat.by("login-submit").click()
    expect(chat.by("chat-input")).to_be_visible()


def test_the_audit_tab_lists_staff_actions_newest_first_and_pages_back(
    ui: UI, staff: Callable[[str], tuple[Account, str]], live_server: str
) -> None:
    admin, token = staff("admin")
    tag = secrets.token_hex(3)
    for n in range(52):
        api_call(
            live_server, "POST", "/admin/canned", token, {"shortcut": f"a{tag}{n}", "text": "Текст"}
        )
    seed_token(ui.page, token)
    ui.page.goto("/admin")
    ui.by("audit-tab").click()
    rows = ui.by("audit-row")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Шаблон добавлен")
    expect(rows.first).to_contain_text(admin.username)
    expect(rows.first).to_contain_text(f"a{tag}51")
    ui.by("audit-more").click()
    expect(rows.filter(has_text=f"a{tag}0")).to_have_count(1)
    assert rows.count() > 52
