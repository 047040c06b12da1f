"""Alembic, driven from code: the same migrations for the CLI, the tests and `alembic`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config

from sunsupport.core.config import Settings

MIGRATIONS_DIR = Path(str(files("sunsupport") / "migrations"))


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = settings.database_url
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if (path := settings.sqlite_path()) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    _outside_event_loop(command.upgrade, alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    _outside_event_loop(command.downgrade, alembic_config(settings), revision)


def _outside_event_loop(func: Callable[..., None], *args: object) -> None:
    """The migration environment runs its own event loop (``asyncio.run``), which cannot
    start in a thread whose loop is already running; then it gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        func(*args)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(func, *args).result()
