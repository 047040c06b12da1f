"""A PostgreSQL database of this test run's own, so parallel runs never collide.

The server is the one this machine kind runs at 127.0.0.1:5432 (override with
TEST_POSTGRES_URL). Without it the PostgreSQL runs skip, except under CI=true,
where a missing database is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL, Engine

from sunsupport.core.config import Settings
from sunsupport.core.migrate import upgrade

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@dataclass
class PostgresDatabase:
    url: str
    engine: Engine

    def truncate_all(self) -> None:
        with self.engine.begin() as conn:
            tables = conn.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).all()
            if tables:
                names = ", ".join(f'"{name}"' for name in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _sync(url: URL) -> URL:
    """Fixture housekeeping runs outside the event loop, with the sync driver."""
    return url.set(drivername="postgresql+psycopg")


def _admin_engine() -> Engine:
    return create_engine(_sync(make_url(ADMIN_URL)), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    with fresh_database() as url:
        housekeeping = create_engine(_sync(make_url(url)))
        yield PostgresDatabase(url=url, engine=housekeeping)
        housekeeping.dispose()


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database for one test module; dropped afterwards."""
    name = f"sunsupport_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL} ({type(exc).__name__}); skipping")
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
