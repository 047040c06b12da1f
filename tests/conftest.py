"""Shared fixtures: a real, migrated SQLite file per test and an app wired to it."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sunsupport.app import create_app
from sunsupport.core.config import Settings
from sunsupport.core.migrate import upgrade
from tests.postgres import PostgresDatabase, postgres_database  # noqa: F401 (fixture)

PASSWORD = "correct-horse-42"


def make_settings(db_file: Path, log_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": f"sqlite+aiosqlite:///{db_file}",
        "secret_key": "test-secret-" + "x" * 40,
        "log_dir": log_dir,
        "rate_limit_login_failures": "",
        "rate_limit_messages": "",
        "rate_limit_sessions": "",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per run; each test copies the file (much faster than migrating again)."""
    directory = tmp_path_factory.mktemp("template")
    db_file = directory / "template.db"
    upgrade(make_settings(db_file, directory / "logs"))
    return db_file


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that uses the app runs on both backends: a fresh SQLite file, or the
    run's own PostgreSQL database emptied before the test."""
    if request.param == "sqlite":
        target = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("migrated_template"), target)
        return f"sqlite+aiosqlite:///{target}"
    postgres: PostgresDatabase = request.getfixturevalue("postgres_database")
    postgres.truncate_all()
    return postgres.url


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or with parametrize) to change settings."""
    return {}


@pytest.fixture
def settings(tmp_path: Path, database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    overrides = {"database_url": database_url, **settings_overrides}
    return make_settings(tmp_path / "unused.db", tmp_path / "logs", **overrides)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 4242))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def register_and_login(client: httpx.AsyncClient, username: str | None = None) -> dict:
    """Register a fresh user; returns ``{"id", "username", "headers"}``."""
    username = username or "u" + uuid.uuid4().hex[:10]
    response = await client.post(
        "/auth/register", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    login = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    return {
        **response.json(),
        "token": token,
        "headers": {"Authorization": f"Bearer {token}"},
    }


@pytest.fixture
def new_user(client: httpx.AsyncClient) -> Callable[..., Any]:
    async def factory(username: str | None = None) -> dict:
        return await register_and_login(client, username)

    return factory


async def make_staff(app: FastAPI, client: httpx.AsyncClient, role: str = "operator") -> dict:
    """A registered account promoted to ``role`` (staff are never made through the API)."""
    from sqlalchemy import update

    from sunsupport.models import User

    account = await register_and_login(client)
    async with app.state.db.write() as session:
        await session.execute(update(User).where(User.id == account["id"]).values(role=role))
    return {**account, "role": role}


async def open_chat(client: httpx.AsyncClient, user: dict) -> str:
    """A new chat session of ``user``; returns its id."""
    response = await client.post("/chat/session", headers=user["headers"])
    assert response.status_code == 200, response.text
    return response.json()["id"]


async def say(client: httpx.AsyncClient, user: dict, sid: str, text: str) -> dict:
    """Send a message that must be accepted; returns the response body."""
    response = await client.post(
        "/chat/message", headers=user["headers"], json={"session_id": sid, "text": text}
    )
    assert response.status_code == 201, response.text
    return response.json()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright's sync API keeps an event loop running in the
    main thread until the session ends, and pytest-asyncio cannot start one there after."""
    items.sort(key=lambda item: "e2e" in item.path.parts)
