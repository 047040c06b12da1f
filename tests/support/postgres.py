"""PostgreSQL databases of this test run's own, so parallel runs never collide.

The server is the one this machine kind runs at 127.0.0.1:5432 (override with
TEST_POSTGRES_URL). Without it the PostgreSQL tests skip, except under CI=true, where a
missing database is a failure.

Each database is a copy of a migrated template (``CREATE DATABASE … TEMPLATE``), which
is much faster than migrating. The template is named after the migrations' content, so
runs reuse it until a migration changes.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from sunsupport.core.config import Settings
from sunsupport.core.migrate import MIGRATIONS_DIR, upgrade

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _sync(url: URL) -> URL:
    """Housekeeping runs outside the event loop, with the sync driver."""
    return url.set(drivername="postgresql+psycopg")


def _url_of(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _admin_engine() -> Engine:
    return create_engine(_sync(make_url(ADMIN_URL)), isolation_level="AUTOCOMMIT")


def _unreachable(exc: Exception) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true and unreachable: {exc}")
    pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL} ({type(exc).__name__}); skipping")


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS_DIR.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _template() -> str:
    """The migrated template database, built once (renamed into place when complete,
    so a half-built one is never used)."""
    name = f"sunsupport_template_{_migrations_digest()}"
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists:
                return name
            building = f"sunsupport_building_{uuid.uuid4().hex[:12]}"
            conn.execute(text(f'CREATE DATABASE "{building}"'))
        upgrade(Settings(_env_file=None, database_url=_url_of(building)))  # type: ignore[call-arg]
        with admin.connect() as conn:
            try:
                conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
            except DBAPIError:  # another process finished first: use its template
                conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
        return name
    finally:
        admin.dispose()


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database; dropped afterwards. Yields its URL."""
    name = f"sunsupport_test_{uuid.uuid4().hex[:12]}"
    try:
        template = _template()
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    except (OSError, DBAPIError) as exc:
        _unreachable(exc)
    try:
        yield _url_of(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
