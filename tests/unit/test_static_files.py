"""The browser code as files: small modules, imports that resolve, text never parsed as HTML.

No browser or server here: these read the files under src/sunsupport/static and templates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sunsupport.core.pages import (
    PAGES,
    STATIC_DIR,
    STATIC_URL,
    TEMPLATES_DIR,
    WIDGET_SCRIPT,
    module_graph,
    module_imports,
)

MAX_JS_LINES = 400
MAX_CSS_LINES = 500

JS_FILES = sorted(STATIC_DIR.rglob("*.js"))
CSS_FILES = sorted(STATIC_DIR.rglob("*.css"))
TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))


def url_of(path: Path) -> str:
    return "/static/" + path.relative_to(STATIC_DIR).as_posix()


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


# `export function name`, `export async function name`, `export const name`, `export class name`.
EXPORT_DECLARATION = re.compile(
    r"^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([\w$]+)", re.MULTILINE
)
EXPORT_LIST = re.compile(r"^export\s*\{([^}]*)\}", re.MULTILINE)
NAMED_IMPORT = re.compile(r"""^import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']""", re.MULTILINE)


def exported_names(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    names = set(EXPORT_DECLARATION.findall(source))
    for group in EXPORT_LIST.findall(source):
        names.update(part.split(" as ")[-1].strip() for part in group.split(",") if part.strip())
    return names


def test_there_is_browser_code_to_check() -> None:
    assert len(JS_FILES) >= 20 and CSS_FILES and TEMPLATES


@pytest.mark.parametrize("path", JS_FILES, ids=url_of)
def test_js_module_is_small(path: Path) -> None:
    lines = line_count(path)
    assert lines <= MAX_JS_LINES, f"{url_of(path)} has {lines} lines; split it by responsibility"


@pytest.mark.parametrize("path", CSS_FILES, ids=url_of)
def test_stylesheet_is_small(path: Path) -> None:
    lines = line_count(path)
    assert lines <= MAX_CSS_LINES, f"{url_of(path)} has {lines} lines"


@pytest.mark.parametrize("path", JS_FILES, ids=url_of)
def test_imports_are_static_urls_of_existing_modules(path: Path) -> None:
    for specifier in module_imports(url_of(path)):
        assert specifier.startswith("/static/"), f"{url_of(path)} imports {specifier!r}"
        assert (STATIC_DIR / specifier.removeprefix("/static/")).is_file(), (
            f"{url_of(path)} imports {specifier}, which does not exist"
        )


@pytest.mark.parametrize("path", JS_FILES, ids=url_of)
def test_imported_names_are_exported(path: Path) -> None:
    """A name imported but not exported fails the whole page at load time."""
    source = path.read_text(encoding="utf-8")
    for names, specifier in NAMED_IMPORT.findall(source):
        target = STATIC_DIR / specifier.removeprefix("/static/")
        exported = exported_names(target)
        for part in names.split(","):
            name = part.split(" as ")[0].strip()
            if name:
                assert name in exported, f"{url_of(path)} imports {name} from {specifier}"


def test_every_module_belongs_to_a_page() -> None:
    used = {f"{STATIC_URL}{WIDGET_SCRIPT}"}  # served as /widget.js, for other sites
    for page in PAGES:
        used.add(page.entry)
        used.update(module_graph(page.entry))
    orphans = sorted({url_of(path) for path in JS_FILES} - used)
    assert orphans == [], f"modules no page loads: {orphans}"


@pytest.mark.parametrize("path", JS_FILES, ids=url_of)
def test_no_html_parsing_of_strings(path: Path) -> None:
    """Messages and every other text go in as textContent, never as HTML."""
    source = path.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"{url_of(path)} uses {sink}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_code(path: Path) -> None:
    """The CSP allows only script-src 'self' and style-src 'self'."""
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "inline style"
    assert not re.search(r"javascript:", html, re.IGNORECASE)
    for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
        assert "src=" in script.group(1) and not script.group(2).strip(), "inline script"


@pytest.mark.parametrize("path", CSS_FILES, ids=url_of)
def test_stylesheet_urls_resolve(path: Path) -> None:
    for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", path.read_text(encoding="utf-8")):
        if url.startswith("data:"):
            continue
        assert url.startswith("/static/"), f"{url_of(path)} loads {url} from elsewhere"
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), f"{url} is missing"
