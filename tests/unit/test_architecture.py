"""The house rules, read from the source (nothing is imported): the import graph has no
circles, the ground floor (core/, live/, bot/) and the models import no feature, and a
feature reaches another feature through its service, never its repository."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = "sunsupport"
SRC = Path(__file__).resolve().parents[2] / "src"
GROUND = ("core", "live", "bot")
NOT_FEATURES = {*GROUND, "models", "migrations", "data", "static", "templates"}


@cache
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path) -> Iterator[str]:
    """Every package module that ``module`` imports (anywhere in the file)."""
    known = modules()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module itself
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith(PACKAGE + ".") and name != module:
                yield name


@cache
def graph() -> dict[str, frozenset[str]]:
    return {module: frozenset(_imports(module, path)) for module, path in modules().items()}


def top(module: str) -> str:
    """The top-level part of the package a module lives in (``chat`` for chat.service)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_feature(module: str) -> bool:
    return len(module.split(".")) > 2 and top(module) not in NOT_FEATURES


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    assert "sunsupport.chat.service" in graph()["sunsupport.chat.router"]
    assert "sunsupport.canned.router" in graph()["sunsupport.app"]


def test_no_module_import_circles() -> None:
    assert cycles(graph()) == []


def test_features_depend_on_each_other_without_circles() -> None:
    between: dict[str, set[str]] = {}
    for module, targets in graph().items():
        if is_feature(module):
            between.setdefault(top(module), set()).update(
                top(t) for t in targets if is_feature(t) and top(t) != top(module)
            )
    assert cycles({k: frozenset(v) for k, v in between.items()}) == []


@pytest.mark.parametrize("floor", [*GROUND, "models"])
def test_the_ground_floor_imports_no_feature(floor: str) -> None:
    upward = {
        (module, target)
        for module, targets in graph().items()
        if top(module) == floor
        for target in targets
        if is_feature(target) or target in (f"{PACKAGE}.app", f"{PACKAGE}.cli")
    }
    assert upward == set()


def test_features_use_each_others_services_not_repositories() -> None:
    reaching_in = {
        (module, target)
        for module, targets in graph().items()
        if is_feature(module)
        for target in targets
        if target.endswith(".repository") and top(target) != top(module)
    }
    assert reaching_in == set()


def test_routers_hold_no_queries() -> None:
    """Routers translate HTTP; queries live in repositories."""
    for module, path in modules().items():
        if module.endswith(".router"):
            source = path.read_text(encoding="utf-8")
            assert "sqlalchemy" not in source, module
