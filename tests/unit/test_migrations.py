from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from sunsupport.core.db import Base
from sunsupport.core.migrate import downgrade, unapplied, upgrade
from tests.support.servers import run_cli
from tests.support.settings import make_settings, sqlite_url


def test_upgrade_on_empty_and_up_to_date_database(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "fresh.db"), tmp_path / "logs")
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
    upgrade(make_settings(sqlite_url(db), tmp_path / "logs"))
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "roundtrip.db"), tmp_path / "logs")
    upgrade(settings)
    downgrade(settings, "base")
    upgrade(settings)


def test_migrate_command_is_runnable_from_any_directory(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "PATH": "/usr/bin:/bin"}
    result = run_cli("migrate", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists()


def test_handoff_migration_keeps_existing_data(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "old.db"), tmp_path / "logs")
    upgrade(settings, "0001")
    db = sqlite3.connect(tmp_path / "old.db")
    db.execute(
        "INSERT INTO users (id, username, username_key, hashed_password, created_at) "
        "VALUES (1, 'Old', 'old', 'h', '2025-01-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO sessions (id, user_id, created_date) VALUES ('s1', 1, '2025-01-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO messages (session_id, sender_type, text, sent_at) "
        "VALUES ('s1', 'user', 'привет', '2025-01-01 00:00:01')"
    )
    db.commit()
    db.close()
    upgrade(settings)
    db = sqlite3.connect(tmp_path / "old.db")
    assert db.execute("SELECT username, role FROM users").fetchall() == [("Old", "user")]
    assert db.execute("SELECT id, status FROM sessions").fetchall() == [("s1", "bot")]
    assert db.execute("SELECT text FROM messages").fetchall() == [("привет",)]
    db.close()


def test_ids_are_never_reused_after_all_migrations(tmp_path: Path) -> None:
    upgrade(make_settings(sqlite_url(tmp_path / "ids.db"), tmp_path / "logs"))
    db = sqlite3.connect(tmp_path / "ids.db")
    schema = {
        name: sql
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
    }
    db.close()
    assert "AUTOINCREMENT" in schema["users"]
    assert "AUTOINCREMENT" in schema["messages"]


def test_the_accounts_migration_keeps_existing_look_alike_names_working(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "names.db"), tmp_path / "logs")
    upgrade(settings, "0003")
    db = sqlite3.connect(tmp_path / "names.db")
    for user_id, name in ((1, "admin1"), (2, "аdmin1"), (3, "ivan")):  # 2: Cyrillic а
        db.execute(
            "INSERT INTO users (id, username, username_key, hashed_password, created_at) "
            "VALUES (?, ?, ?, 'h', '2025-01-01 00:00:00')",
            (user_id, name, name.casefold()),
        )
    db.commit()
    db.close()
    upgrade(settings)
    db = sqlite3.connect(tmp_path / "names.db")
    rows = db.execute(
        "SELECT id, username_skeleton, token_version FROM users ORDER BY id"
    ).fetchall()
    db.close()
    assert [(user_id, version) for user_id, _, version in rows] == [(1, 0), (2, 0), (3, 0)]
    skeletons = [key for _, key, _ in rows]
    assert skeletons[0] is not None and skeletons[2] is not None
    assert skeletons[1] is None  # looks like admin1: kept, without a skeleton of its own


def test_conversations_migration_folds_existing_history_into_the_statistics(
    tmp_path: Path,
) -> None:
    settings = make_settings(sqlite_url(tmp_path / "stats.db"), tmp_path / "logs")
    upgrade(settings, "0003")
    db = sqlite3.connect(tmp_path / "stats.db")
    db.execute(
        "INSERT INTO users (id, username, username_key, hashed_password, created_at) "
        "VALUES (1, 'Old', 'old', 'h', '2025-01-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO sessions (id, user_id, created_date, handed_off_at, waiting_since, "
        "first_response_at, rating) VALUES ('s1', 1, '2025-01-01 00:00:00', "
        "'2025-01-01 10:00:00', '2025-01-01 10:00:00', '2025-01-01 10:01:30', 4)"
    )
    db.executemany(
        "INSERT INTO messages (session_id, sender_type, text, sent_at, intent, feedback) "
        "VALUES ('s1', ?, 'x', ?, ?, ?)",
        [
            ("user", "2025-01-01 09:59:00", None, None),
            ("bot", "2025-01-01 09:59:01", "fallback", -1),
            ("operator", "2025-01-02 10:01:30", None, None),
        ],
    )
    db.commit()
    db.close()
    upgrade(settings)
    db = sqlite3.connect(tmp_path / "stats.db")
    assert db.execute(
        "SELECT day, user_messages, bot_messages, operator_messages, fallbacks, thumbs_down "
        "FROM stats_daily ORDER BY day"
    ).fetchall() == [("2025-01-01", 1, 1, 0, 1, 1), ("2025-01-02", 0, 0, 1, 0, 0)]
    assert db.execute("SELECT day, intent, count FROM stats_daily_intents").fetchall() == [
        ("2025-01-01", "fallback", 1)
    ]
    assert db.execute("SELECT * FROM stats_conversation_days").fetchall() == [("2025-01-01", "s1")]
    assert db.execute(
        "SELECT conversation_id, rating, round(first_response_seconds) FROM stats_conversations"
    ).fetchall() == [("s1", 4, 90.0)]
    # the wider sender CHECK is in force, and the old one comes back on the way down
    db.execute(
        "INSERT INTO messages (session_id, sender_type, text, sent_at) "
        "VALUES ('s1', 'system', 'note', '2025-01-02 11:00:00')"
    )
    db.commit()
    db.close()
    downgrade(settings, "0003")
    db = sqlite3.connect(tmp_path / "stats.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone() == (3,)
    db.close()


def test_bot_review_migration_widens_the_inbox_and_narrows_it_back(tmp_path: Path) -> None:
    import pytest

    settings = make_settings(sqlite_url(tmp_path / "review.db"), tmp_path / "logs")
    upgrade(settings, "0005_visitors")
    insert = (
        "INSERT INTO misunderstood (text, reason, status, created_at) "
        "VALUES (?, ?, ?, '2025-01-01 00:00:00')"
    )
    db = sqlite3.connect(tmp_path / "review.db")
    db.execute(insert, ("старое", "fallback", "new"))
    db.commit()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(insert, ("рано", "rephrased", "new"))
    db.close()

    upgrade(settings, "0007_bot_review")
    db = sqlite3.connect(tmp_path / "review.db")
    for reason, status in (("asked_human", "new"), ("rephrased", "confirmed"), ("sampled", "new")):
        db.execute(insert, (reason, reason, status))
    db.execute("UPDATE misunderstood SET status = 'confirmed' WHERE text = 'старое'")
    db.commit()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(insert, ("нет", "guess", "new"))
    db.close()

    downgrade(settings, "0005_visitors")
    db = sqlite3.connect(tmp_path / "review.db")
    assert db.execute("SELECT text, reason, status FROM misunderstood").fetchall() == [
        ("старое", "fallback", "resolved")
    ]
    db.close()


def test_suggestions_migration_adds_an_empty_column_and_takes_it_back(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "offered.db"), tmp_path / "logs")
    upgrade(settings, "0004_accounts")
    db = sqlite3.connect(tmp_path / "offered.db")
    db.execute(
        "INSERT INTO users (id, username, username_key, hashed_password, created_at) "
        "VALUES (1, 'old', 'old', 'h', '2025-01-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO sessions (id, user_id, created_date) VALUES ('s1', 1, '2025-01-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO messages (session_id, sender_type, text, sent_at) "
        "VALUES ('s1', 'bot', 'старый ответ', '2025-01-01 00:00:01')"
    )
    db.commit()
    db.close()

    upgrade(settings, "0008_answer_suggestions")
    db = sqlite3.connect(tmp_path / "offered.db")
    assert db.execute("SELECT text, suggestions FROM messages").fetchall() == [
        ("старый ответ", None)
    ]
    db.execute(
        "INSERT INTO messages (session_id, sender_type, text, sent_at, suggestions) "
        "VALUES ('s1', 'bot', 'уточнение', '2025-01-01 00:00:02', '[\"А\", \"Б\"]')"
    )
    db.commit()
    db.close()

    downgrade(settings, "0004_accounts")
    db = sqlite3.connect(tmp_path / "offered.db")
    columns = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'messages'").fetchone()[0]
    texts = db.execute("SELECT text FROM messages ORDER BY id").fetchall()
    db.close()
    assert "suggestions" not in columns
    assert "AUTOINCREMENT" in schema
    assert texts == [("старый ответ",), ("уточнение",)]


def test_serve_refuses_a_database_the_migrations_have_not_reached(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path / "behind.db"), tmp_path / "logs")
    current, head = unapplied(settings) or (None, None)
    assert current is None and head
    upgrade(settings)
    assert unapplied(settings) is None
    env = {"DATABASE_URL": sqlite_url(tmp_path / "never.db"), "PATH": "/usr/bin:/bin"}
    result = run_cli("serve", "--port", "1", cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert "run `sunsupport migrate` first" in result.stderr
