"""Browser-test helpers: accounts, a watch on page errors, and the page's data-testid
hooks. Fixtures that use them are in ``tests/e2e/conftest.py``."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Dialog, Locator, Page, Route, expect

PASSWORD = "солнце-светит-2024"
TOKEN_KEY = "sunsupport.token"
"""Where the customer's pages keep the access token (localStorage)."""
STAFF_TOKEN_KEY = "sunsupport.staff.token"
"""Where the staff pages (/operator, /admin) keep theirs: one browser holds both logins."""


@dataclass
class Account:
    username: str
    password: str = PASSWORD


def new_username() -> str:
    return f"e2e_{secrets.token_hex(5)}"


def post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def signed_up(base_url: str) -> tuple[Account, str]:
    account = Account(new_username())
    credentials = {"username": account.username, "password": account.password}
    post_json(f"{base_url}/auth/register", credentials)
    token = post_json(f"{base_url}/auth/login", credentials)["access_token"]
    return account, token


@dataclass
class PageWatch:
    """What the page reported: CSP violations, uncaught errors, dialogs."""

    csp_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch_page(page: Page) -> PageWatch:
    """Start recording CSP violations, uncaught errors and dialogs of `page`."""
    seen = PageWatch()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.csp_errors.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    return seen


def assert_clean(seen: PageWatch) -> None:
    assert seen.csp_errors == [], "CSP violations"
    assert seen.page_errors == [], "uncaught errors in the page"


class HeldRequests:
    """Requests to ``urls`` wait (Playwright routing) until the test lets them through: a
    slow answer, on cue. Leaving the ``with`` block lets any still held through and stops
    holding."""

    def __init__(self, page: Page, *urls: str | re.Pattern[str]) -> None:
        self.page, self.urls = page, urls
        self._held: list[Route] = []

    def __enter__(self) -> HeldRequests:
        for url in self.urls:
            self.page.route(url, self._hold)
        return self

    def _hold(self, route: Route) -> None:
        self._held.append(route)

    def release(self, timeout_s: float = 10) -> None:
        """Let through the requests held so far, first waiting for one. (A request seen by
        ``expect_request`` may not have reached the route yet: events come in turn.)"""
        deadline = time.monotonic() + timeout_s
        while not self._held:
            if time.monotonic() > deadline:
                raise AssertionError(f"no request to {self.urls} came")
            self.page.wait_for_timeout(20)
        while self._held:
            self._held.pop(0).continue_()

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            while self._held:
                self._held.pop(0).continue_()  # before unroute: a held route must be handled
        for url in self.urls:
            self.page.unroute(url, self._hold)  # only this holder: the test may route more


class UI:
    """Small helpers over the page's stable data-testid hooks."""

    TOKEN_KEY = TOKEN_KEY

    def __init__(self, page: Page) -> None:
        self.page = page
        self.account: Account | None = None

    def by(self, testid: str) -> Locator:
        return self.page.get_by_test_id(testid)

    def messages(self, sender: str | None = None) -> Locator:
        selector = '[data-testid="message"]'
        if sender:
            selector += f'[data-sender="{sender}"]'
        return self.page.locator(selector)

    def fill_credentials(self, account: Account) -> None:
        self.by("login-username").fill(account.username)
        self.by("login-password").fill(account.password)

    def register(self, account: Account | None = None) -> Account:
        """Open the app, register through the form and wait for the chat."""
        account = account or Account(new_username())
        self.account = account
        self.page.goto("/")
        self.fill_credentials(account)
        self.by("register-submit").click()
        expect(self.by("chat-input")).to_be_visible()
        expect(self.by("session-item")).to_have_count(1)
        return account

    def register_via_api(self, account: Account | None = None) -> Account:
        """Create an account without the UI (one password hash instead of two)."""
        account = account or Account(new_username())
        response = self.page.request.post(
            "/auth/register", data={"username": account.username, "password": account.password}
        )
        assert response.status == 201, response.text()
        return account

    def send(self, text: str) -> None:
        """Type, send and wait until the bot's answer is on screen."""
        bot = self.messages("bot")
        before = bot.count()
        self.by("chat-input").fill(text)
        self.by("chat-send").click()
        expect(bot).to_have_count(before + 1)
        expect(self.by("typing")).to_be_hidden()

    def token(self) -> str | None:
        return self.page.evaluate("k => localStorage.getItem(k)", self.TOKEN_KEY)

    def set_token(self, value: str) -> None:
        self.page.evaluate("([k, v]) => localStorage.setItem(k, v)", [self.TOKEN_KEY, value])


def api_call(
    base_url: str, method: str, path: str, token: str | None = None, payload: object = None
) -> object:
    """A JSON request to the e2e server (raises urllib.error.HTTPError on 4xx/5xx)."""
    headers = {"Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        f"{base_url}{path}", data=data, headers=headers, method=method
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def chat_with(base_url: str, token: str, *texts: str) -> tuple[str, list[dict]]:
    """A new chat of the token's user with ``texts`` sent in order: its id and the answers
    to each (``POST /chat/message`` bodies)."""
    session_id = str(api_call(base_url, "POST", "/chat/session", token)["id"])  # type: ignore[index]
    posted = [
        api_call(base_url, "POST", "/chat/message", token, {"session_id": session_id, "text": t})
        for t in texts
    ]
    return session_id, posted  # type: ignore[return-value]


def seed_token(page: Page, token: str) -> None:
    """Log `page` in before its scripts run (once per tab, like the `chat` fixture), under
    the key of the page it opens: the staff key on /operator and /admin."""
    page.add_init_script(
        f"""if (!sessionStorage.getItem("e2e.seeded")) {{
              sessionStorage.setItem("e2e.seeded", "1");
              const staff = /^\\/(operator|admin)(\\/|$)/.test(location.pathname);
              const key = staff ? {json.dumps(STAFF_TOKEN_KEY)} : {json.dumps(TOKEN_KEY)};
              localStorage.setItem(key, {json.dumps(token)});
            }}"""
    )


AXE_SCRIPT = Path(__file__).resolve().parents[1] / "e2e" / "vendor" / "axe.min.js"
ENSURE_AXE = Path(__file__).resolve().parents[2] / "scripts" / "ensure-axe.sh"


@cache
def axe_source() -> str:
    """The pinned axe-core (``scripts/ensure-axe.sh`` vendors it; ``make browser`` runs it)."""
    if not AXE_SCRIPT.exists():
        subprocess.run(["bash", str(ENSURE_AXE)], check=True, timeout=120)
    return AXE_SCRIPT.read_text(encoding="utf-8")


_RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations of any impact on the page as it is now. The engine is put into
    the page through the DevTools protocol (``evaluate``), which the page's CSP does not
    govern, so the page itself stays exactly as served."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN_AXE)


def assert_accessible(page: Page, state: str, schemes: tuple[str, ...] = ("light", "dark")) -> None:
    """No axe violation in ``state``, in each colour scheme."""
    problems = []
    for scheme in schemes:
        # Reduced motion: no colour is caught half-way through a transition.
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")  # type: ignore[arg-type]
        for violation in axe_violations(page):
            problems.append(
                f"[{state}, {scheme}] {violation['id']} ({violation['impact']}): "
                f"{violation['help']}\n    " + "\n    ".join(violation["nodes"])
            )
    page.emulate_media(color_scheme="light", reduced_motion="no-preference")
    assert not problems, "axe-core found:\n" + "\n".join(problems)
