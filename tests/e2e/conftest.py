"""Real-browser tests: Debian's Chromium driving the real `sunsupport serve`.

Recipe: ../shared/BROWSER_TESTS.md. Playwright cannot download its own browsers here, so the
plugin's launch arguments point at the system Chromium (``CHROMIUM_PATH`` overrides). Without
Chromium the tests are skipped with a loud reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Locator, Page, expect

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
STARTUP_TIMEOUT_S = 20.0
PASSWORD = "солнце-светит-2024"
POOL_SIZE = 8  # accounts made ahead for the `chat` fixture

# Short timeouts keep a failing suite quick; the server answers in milliseconds.
expect.set_options(timeout=10_000)


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    found = shutil.which(configured)
    return found if found and os.access(found, os.X_OK) else None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    if _chromium_path():
        return
    wanted = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    reason = (
        f"BROWSER TESTS NOT RUN: no Chromium at {wanted!r}"
        " (apt-get install -y chromium, or set CHROMIUM_PATH)"
    )
    if _in_ci():
        pytest.fail(reason + "; CI=true requires them", pytrace=False)
    warnings.warn(reason, stacklevel=1)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": _chromium_path() or "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass(frozen=True)
class ServerEnv:
    """Where the e2e server runs: its environment (DATABASE_URL, SECRET_KEY...) and cwd."""

    env: dict[str, str]
    cwd: Path


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> ServerEnv:
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'e2e.db'}",
        "LOG_DIR": str(tmp / "logs"),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "RATE_LIMIT_MESSAGES": "",
        "RATE_LIMIT_SESSIONS": "",
        "RATE_LIMIT_LOGIN_FAILURES": "",
        "BOT_REPLY_DELAY_SECONDS": "0",
    }
    env.pop("ENV", None)
    return ServerEnv(env=env, cwd=tmp)


@pytest.fixture(scope="session")
def live_server(server_env: ServerEnv) -> Iterator[str]:
    """Migrate a fresh SQLite database and run the real server on a free port."""
    env, tmp = server_env.env, server_env.cwd
    migrate = subprocess.run(
        [sys.executable, "-m", "sunsupport", "migrate"],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if migrate.returncode != 0:
        output = f"{migrate.stdout}\n{migrate.stderr}"
        pytest.fail(f"sunsupport migrate failed:\n{output}", pytrace=False)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    stderr_path = tmp / "server.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sunsupport",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                output = stderr_path.read_text(errors="replace")
                pytest.fail(f"server exited with {process.returncode}:\n{output}", pytrace=False)
            if time.monotonic() > deadline:
                output = stderr_path.read_text(errors="replace")
                message = f"server not healthy after {STARTUP_TIMEOUT_S}s:\n{output}"
                pytest.fail(message, pytrace=False)
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        log = stderr_path.read_text(errors="replace")
        if "Traceback" in log:  # server-side errors explain many browser failures
            tail = log[log.index("Traceback") :][-4000:]
            warnings.warn(f"the e2e server logged errors:\n{tail}", stacklevel=1)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server: str) -> dict:
    return {
        **browser_context_args,
        "base_url": live_server,
        "locale": "ru-RU",
        "viewport": {"width": 1280, "height": 800},
    }


@dataclass
class Account:
    username: str
    password: str = PASSWORD


def new_username() -> str:
    return f"e2e_{secrets.token_hex(5)}"


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def _signed_up(base_url: str) -> tuple[Account, str]:
    account = Account(new_username())
    credentials = {"username": account.username, "password": account.password}
    _post_json(f"{base_url}/auth/register", credentials)
    token = _post_json(f"{base_url}/auth/login", credentials)["access_token"]
    return account, token


@pytest.fixture(scope="session")
def account_pool(live_server: str) -> Iterator[Callable[[], tuple[Account, str]]]:
    """Fresh accounts with tokens, made ahead in the background.

    Password hashing dominates the cost of a new account; doing it on two threads while
    earlier tests run keeps the suite fast. Every account is still used by one test only.
    """
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="e2e-accounts")
    futures = [executor.submit(_signed_up, live_server) for _ in range(POOL_SIZE)]

    def take() -> tuple[Account, str]:
        if futures:
            return futures.pop(0).result(timeout=60)
        return _signed_up(live_server)

    yield take
    for future in futures:
        future.cancel()
    executor.shutdown(wait=True)


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


@pytest.fixture
def watch(page: Page) -> Iterator[PageWatch]:
    """Record problems on `page`; fail the test if the CSP blocked anything or a script threw."""
    seen = watch_page(page)
    yield seen
    assert_clean(seen)


class UI:
    """Small helpers over the page's stable data-testid hooks."""

    TOKEN_KEY = "sunsupport.token"

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


@pytest.fixture
def ui(page: Page, watch: PageWatch) -> UI:
    """The page, watched for CSP violations and script errors."""
    return UI(page)


@pytest.fixture
def chat(ui: UI, account_pool: Callable[[], tuple[Account, str]]) -> UI:
    """A freshly registered, logged-in user in the chat view (token set before the page runs)."""
    account, token = account_pool()
    # Seed the token once per tab: a later logout and reload must stay logged out.
    ui.page.add_init_script(
        f"""if (!sessionStorage.getItem("e2e.seeded")) {{
              sessionStorage.setItem("e2e.seeded", "1");
              localStorage.setItem({json.dumps(UI.TOKEN_KEY)}, {json.dumps(token)});
            }}"""
    )
    ui.page.goto("/")
    expect(ui.page.locator("#user-name")).to_have_text(account.username)
    expect(ui.by("chat-input")).to_be_visible()
    expect(ui.by("session-item")).to_have_count(1)
    ui.account = account
    return ui


# ---------- staff accounts, extra browser tabs, direct API calls ----------


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


CLI = [sys.executable, "-m", "sunsupport"]


@pytest.fixture(scope="session")
def staff(live_server: str, server_env: ServerEnv) -> Callable[[str], tuple[Account, str]]:
    """Make an operator or admin with `sunsupport create-user` (same database as the server)."""

    def make(role: str) -> tuple[Account, str]:
        account = Account(f"{role[:3]}_{secrets.token_hex(5)}")
        done = subprocess.run(
            [*CLI, "create-user", account.username, "--role", role, "--password-stdin"],
            input=account.password + "\n",
            env=server_env.env,
            cwd=server_env.cwd,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"create-user failed:\n{done.stdout}\n{done.stderr}"
        credentials = {"username": account.username, "password": account.password}
        token = _post_json(f"{live_server}/auth/login", credentials)["access_token"]
        return account, token

    return make


def seed_token(page: Page, token: str) -> None:
    """Log `page` in before its scripts run (once per tab, like the `chat` fixture)."""
    page.add_init_script(
        f"""if (!sessionStorage.getItem("e2e.seeded")) {{
              sessionStorage.setItem("e2e.seeded", "1");
              localStorage.setItem({json.dumps(UI.TOKEN_KEY)}, {json.dumps(token)});
            }}"""
    )


@pytest.fixture
def tab(new_context: Callable[..., BrowserContext]) -> Iterator[Callable[[], UI]]:
    """Open pages in fresh browser contexts (other people), each watched like `ui`."""
    watched: list[PageWatch] = []

    def open_tab() -> UI:
        page = new_context().new_page()
        watched.append(watch_page(page))
        return UI(page)

    yield open_tab
    for seen in watched:
        assert_clean(seen)
