from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from sunsupport.db import Base
from sunsupport.migrate import downgrade, upgrade
from tests.conftest import make_settings


def test_upgrade_on_empty_and_up_to_date_database(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "fresh.db", tmp_path / "logs")
    upgrade(settings)
    upgrade(settings)  # again: nothing to do, no error
    tables = {
        row[0]
        for row in sqlite3.connect(tmp_path / "fresh.db").execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    assert {"users", "sessions", "messages", "alembic_version"} <= tables


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    db = tmp_path / "compare.db"
    upgrade(make_settings(db, tmp_path / "logs"))
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "roundtrip.db", tmp_path / "logs")
    upgrade(settings)
    downgrade(settings, "base")
    upgrade(settings)


def test_migrate_command_is_runnable_from_any_directory(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "sunsupport", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists()
