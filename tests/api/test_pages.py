"""The pages as the browser gets them: one shared head, no inline code, a strict CSP, and
every /static/ URL they load (stylesheets, scripts, and every module those import) served."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from sunsupport.app import create_app
from sunsupport.core.pages import PAGES, module_graph
from tests.support.settings import make_settings, sqlite_url

PAGE_IDS = [page.path for page in PAGES]
SIGN_IN_PAGES = ["/", "/operator", "/admin"]  # the widget makes visitors; the demo signs nobody in
IMPORT = re.compile(r"""^import\s+(?:[^;"']*?\bfrom\s*)?["']([^"']+)["']""", re.MULTILINE)


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app without its lifespan: pages and static files need no database."""
    app = create_app(make_settings(sqlite_url(tmp_path / "unused.db"), tmp_path / "logs"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
        ]

    def with_attr(self, name: str, value: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.tags if attrs.get(name) == value]

    def static_urls(self) -> set[str]:
        urls = set()
        for _, attrs in self.tags:
            for key in ("href", "src"):
                value = attrs.get(key)
                if value and value.startswith("/static/"):
                    urls.add(value)
        return urls


async def get_page(http: httpx.AsyncClient, path: str) -> tuple[httpx.Response, Page]:
    response = await http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response, Page(response.text)


@pytest.mark.parametrize("path", PAGE_IDS)
async def test_page_has_the_shared_head(http: httpx.AsyncClient, path: str) -> None:
    _, page = await get_page(http, path)
    assert page.all("html", lang="ru")
    assert page.all("link", rel="stylesheet", href="/static/common/base.css")
    for element_id in ("app", "user-box", "error"):
        assert len(page.with_attr("id", element_id)) == 1, element_id


@pytest.mark.parametrize("path", SIGN_IN_PAGES)
async def test_page_has_the_shared_head_and_shell(http: httpx.AsyncClient, path: str) -> None:
    _, page = await get_page(http, path)
    assert page.all("html", lang="ru")
    assert page.all("meta", charset="utf-8")
    assert page.all("meta", name="viewport", content="width=device-width, initial-scale=1")
    assert page.all("meta", name="theme-color", content="#f59e0b")
    assert page.all("link", rel="icon", href="/static/favicon.svg")
    assert page.all("link", rel="stylesheet", href="/static/common/base.css")
    for testid in ("logout", "login-username", "login-password", "login-submit", "error"):
        assert len(page.with_attr("data-testid", testid)) == 1, testid
    for element_id in ("app", "user-box", "user-name", "login-view", "login-form", "error"):
        assert len(page.with_attr("id", element_id)) == 1, element_id


@pytest.mark.parametrize("path", PAGE_IDS)
async def test_page_has_no_inline_code_and_a_strict_csp(http: httpx.AsyncClient, path: str) -> None:
    response, page = await get_page(http, path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    scripts = page.all("script")
    assert len(scripts) == 1 and scripts[0]["type"] == "module" and scripts[0]["src"]
    assert "".join(page.script_text).strip() == ""
    for _, attrs in page.tags:
        assert "style" not in attrs
        assert not [name for name in attrs if name.startswith("on")]


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
async def test_page_preloads_every_module_it_needs(http: httpx.AsyncClient, page) -> None:
    _, html = await get_page(http, page.path)
    assert html.all("script")[0]["src"] == page.entry
    preloads = {attrs["href"] for attrs in html.all("link", rel="modulepreload")}
    assert preloads == set(module_graph(page.entry))


@pytest.mark.parametrize("path", PAGE_IDS)
async def test_everything_a_page_loads_is_served(http: httpx.AsyncClient, path: str) -> None:
    """Walk the page's URLs and, over HTTP, every module's imports: a typo cannot hide."""
    _, page = await get_page(http, path)
    pending = sorted(page.static_urls())
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        response = await http.get(url)
        assert response.status_code == 200, f"{path} needs {url}: {response.status_code}"
        if url.endswith(".js"):
            assert response.headers["content-type"].startswith("text/javascript")
            for specifier in IMPORT.findall(response.text):
                assert specifier.startswith("/static/"), f"{url} imports {specifier}"
                pending.append(specifier)
        elif url.endswith(".css"):
            assert response.headers["content-type"].startswith("text/css")
            pending.extend(re.findall(r"url\(\s*[\"']?(/static/[^\"')]+)", response.text))
    assert any(url.endswith(".js") for url in seen) and any(url.endswith(".css") for url in seen)


@pytest.mark.parametrize("path", PAGE_IDS)
async def test_head_and_get_agree(http: httpx.AsyncClient, path: str) -> None:
    got = await http.get(path)
    head = await http.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]
    again = await http.get(path)
    assert again.content == got.content


async def test_pages_differ_where_they_should(http: httpx.AsyncClient) -> None:
    chat, console, admin = [
        (await get_page(http, path))[1] for path in ("/", "/operator", "/admin")
    ]
    assert chat.with_attr("data-testid", "register-submit")
    assert not console.with_attr("data-testid", "register-submit")
    assert not chat.with_attr("data-testid", "denied")
    assert console.with_attr("data-testid", "denied") and admin.with_attr("data-testid", "denied")
    assert chat.with_attr("id", "menu-toggle") and console.with_attr("id", "live-status")
    assert [attrs["href"] for attrs in admin.all("a", href="/operator")]
