"""The browser pages: `/` (the user's chat), `/operator`, `/admin`, the widget (`/widget`,
`/widget.js`, `/widget-demo`), and `/static`.

Each page is a Jinja template (``templates/``) rendered once, when the app is built, and then
served as the same bytes. There is no build step: the scripts are plain ES modules under
``static/``, and each page preloads every module its entry module imports, directly or not,
as read from the modules' ``import ... from "/static/..."`` lines at render time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

PACKAGE_DIR = Path(str(files("sunsupport")))
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_URL = "/static/"


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    entry: str  # the page's main module, a /static/ URL
    context: dict[str, object] = field(default_factory=dict)


WIDGET_PATH = "/widget"
WIDGET_SCRIPT = "widget/loader.js"
"""Served as ``/widget.js``: the one script tag a site adds (not a module: it must run
on any page, and its URL names the service for the frame)."""

PAGES = (
    Page("/", "chat.html", "/static/chat/main.js", {"widget": False}),
    Page("/operator", "operator.html", "/static/operator/main.js"),
    Page("/admin", "admin.html", "/static/admin/main.js"),
    # The visitors' chat: the user's page itself, without the login form (chat.html).
    Page(WIDGET_PATH, "chat.html", "/static/chat/main.js", {"widget": True}),
    Page("/widget-demo", "widget_demo.html", "/static/widget/demo.js"),
)

# A static import at the start of a line: `import {...} from "..."` or `import "..."`.
_IMPORT = re.compile(r"""^import\s+(?:[^;"']*?\bfrom\s*)?["']([^"']+)["']""", re.MULTILINE)


def static_file(url: str) -> Path:
    """The file behind a /static/ URL."""
    if not url.startswith(STATIC_URL):
        raise ValueError(f"not a {STATIC_URL} URL: {url}")
    return STATIC_DIR / url.removeprefix(STATIC_URL)


def module_imports(url: str) -> list[str]:
    """The specifiers that the module at `url` imports statically, in source order."""
    return _IMPORT.findall(static_file(url).read_text(encoding="utf-8"))


def module_graph(entry: str) -> list[str]:
    """Every module that `entry` needs, directly or not, breadth first, without `entry`."""
    seen = {entry}
    order: list[str] = []
    pending = [entry]
    while pending:
        for module in module_imports(pending.pop(0)):
            if module not in seen:
                seen.add(module)
                order.append(module)
                pending.append(module)
    return order


def render_pages() -> dict[str, bytes]:
    """Every page's HTML by its path; a template or import error fails here, at start-up."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    return {
        page.path: env.get_template(page.template)
        .render(entry=page.entry, preloads=module_graph(page.entry), **page.context)
        .encode()
        for page in PAGES
    }


def install_pages(app: FastAPI) -> None:
    """Serve `/static`, the pages and `/widget.js` (GET and HEAD), each rendered or read
    once, here."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for path, body in render_pages().items():
        app.add_api_route(path, _serve(body), methods=["GET", "HEAD"], include_in_schema=False)
    loader = (STATIC_DIR / WIDGET_SCRIPT).read_bytes()
    # Sites cache the script briefly: a new release reaches them within minutes.
    app.add_api_route(
        "/widget.js",
        _serve(loader, "text/javascript", {"Cache-Control": "public, max-age=300"}),
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )


def _serve(
    body: bytes, media_type: str = "text/html", extra: dict[str, str] | None = None
) -> Callable[[Request], Awaitable[Response]]:
    headers = {"ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"', **(extra or {})}

    async def serve_page(request: Request) -> Response:
        if request.method == "HEAD":
            length = {"Content-Length": str(len(body))}
            return Response(media_type=media_type, headers=headers | length)
        return Response(body, media_type=media_type, headers=headers)

    return serve_page
