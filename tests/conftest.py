"""Fixtures for the whole suite; the helpers they use live in ``tests/support``.

In-process API tests share one running app (see ``support.apps``) whose database is
emptied before each test. They run on SQLite; a test whose behaviour depends on the
database (constraints, ordering, races, cascades, dates) is marked ``both_databases`` and
runs on PostgreSQL as well.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sunsupport.core.config import Settings
from sunsupport.core.group_commit import GroupCommitWriter
from tests.support.api import register_and_login
from tests.support.apps import AppRunner
from tests.support.databases import copy_database, migrate_template
from tests.support.postgres import fresh_database
from tests.support.servers import RunningServer, start_server, stop_server
from tests.support.settings import make_settings, sqlite_url

POSTGRESQL = pytest.param("postgresql", marks=pytest.mark.postgres)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``database_kind``: SQLite, and PostgreSQL too for tests marked ``both_databases``."""
    if "database_kind" in metafunc.fixturenames:
        kinds: list[Any] = ["sqlite"]
        if metafunc.definition.get_closest_marker("both_databases"):
            kinds.append(POSTGRESQL)
        metafunc.parametrize("database_kind", kinds)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright's sync API keeps an event loop running in the
    main thread until the session ends, and pytest-asyncio cannot start one there after."""
    items.sort(key=lambda item: "e2e" in item.path.parts)


@pytest.fixture(scope="session", autouse=True)
def _write_units_run_twice() -> Iterator[None]:
    """In-process, every SQLite write batch first runs once and is rolled back
    (``GroupCommitWriter.rehearse``): the writer may run a unit twice, so a unit that is
    not safe to run twice fails the tests of its feature."""
    GroupCommitWriter.rehearse = True
    yield
    GroupCommitWriter.rehearse = False


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per run; databases are copies of this file."""
    return migrate_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared")


@pytest.fixture(scope="session")
def sqlite_database(migrated_template: Path, session_dir: Path) -> str:
    """The SQLite database of the shared app (emptied before each test)."""
    return sqlite_url(copy_database(migrated_template, session_dir / "api.db"))


@pytest.fixture(scope="session")
async def postgres_database(app_runner: AppRunner) -> AsyncIterator[str]:
    """The PostgreSQL database of the shared app (emptied before each test). The app is
    stopped before the database is dropped under it."""
    with fresh_database() as url:
        yield url
        await app_runner.close()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, database_kind: str) -> str:
    if database_kind == "sqlite":
        return request.getfixturevalue("sqlite_database")
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module or class (or with parametrize) to change settings."""
    return {}


@pytest.fixture
def settings(session_dir: Path, database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    overrides = {"log_dir": session_dir / "logs", **settings_overrides}
    return make_settings(database_url, **overrides)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real server shared by the tests that do not stop or break it."""
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
async def app_runner() -> AsyncIterator[AppRunner]:
    runner = AppRunner()
    yield runner
    await runner.close()


@pytest.fixture
async def app(app_runner: AppRunner, settings: Settings) -> FastAPI:
    """A running app for ``settings`` with an empty database."""
    return await app_runner.fresh(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 4242))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def new_user(client: httpx.AsyncClient) -> Callable[..., Any]:
    async def factory(username: str | None = None) -> dict:
        return await register_and_login(client, username)

    return factory
