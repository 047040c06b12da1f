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
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import (
    UI,
    Account,
    PageWatch,
    assert_clean,
    post_json,
    signed_up,
    watch_page,
)
from tests.support.servers import RunningServer, create_user_cli, start_server, stop_server

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


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real server the browser talks to: a fresh SQLite database, no rate limits."""
    running = start_server(
        tmp_path_factory.mktemp("e2e"),
        {"SECRET_KEY": secrets.token_urlsafe(32), "BOT_REPLY_DELAY_SECONDS": "0"},
    )
    try:
        yield running
    finally:
        stop_server(running)
        log = (running.workdir / "server.out").read_text(errors="replace")
        if "Traceback" in log:  # server-side errors explain many browser failures
            tail = log[log.index("Traceback") :][-4000:]
            warnings.warn(f"the e2e server logged errors:\n{tail}", stacklevel=1)


@pytest.fixture(scope="session")
def live_server(e2e_server: RunningServer) -> str:
    return e2e_server.base_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server: str) -> dict:
    return {
        **browser_context_args,
        "base_url": live_server,
        "locale": "ru-RU",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture(scope="session")
def account_pool(live_server: str) -> Iterator[Callable[[], tuple[Account, str]]]:
    """Fresh accounts with tokens, made ahead in the background.

    Password hashing dominates the cost of a new account; doing it on two threads while
    earlier tests run keeps the suite fast. Every account is still used by one test only.
    """
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="e2e-accounts")
    futures = [executor.submit(signed_up, live_server) for _ in range(POOL_SIZE)]

    def take() -> tuple[Account, str]:
        if futures:
            return futures.pop(0).result(timeout=60)
        return signed_up(live_server)

    yield take
    for future in futures:
        future.cancel()
    executor.shutdown(wait=True)


@pytest.fixture
def watch(page: Page) -> Iterator[PageWatch]:
    """Record problems on `page`; fail the test if the CSP blocked anything or a script threw."""
    seen = watch_page(page)
    yield seen
    assert_clean(seen)


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


@pytest.fixture(scope="session")
def staff(e2e_server: RunningServer) -> Callable[..., tuple[Account, str]]:
    """Make an operator or admin with `sunsupport create-user` (same database as the server)."""

    def make(role: str, display_name: str | None = None) -> tuple[Account, str]:
        account = Account(f"{role[:3]}_{secrets.token_hex(5)}")
        create_user_cli(
            e2e_server, account.username, account.password, role, display_name, timeout=120
        )
        credentials = {"username": account.username, "password": account.password}
        token = post_json(f"{e2e_server.base_url}/auth/login", credentials)["access_token"]
        return account, token

    return make


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
