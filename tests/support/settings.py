"""Settings for the apps and servers under test."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sunsupport.core.config import Settings

TEST_SECRET = "test-secret-" + "x" * 40
BOT_CACHE_DIR = Path(tempfile.gettempdir()) / "sunsupport-test-bot-cache"
"""Shared by every app and server under test (and by runs): a model is trained once
per knowledge base content, as in production."""

# Environment for server processes: the same choices as make_settings.
SERVER_ENV = {
    "ENV": "test",
    "ARGON2_PROFILE": "test",
    "RATE_LIMIT_MESSAGES": "",
    "RATE_LIMIT_SESSIONS": "",
    "RATE_LIMIT_LOGIN_FAILURES": "",
    "RATE_LIMIT_REGISTRATIONS": "",
    "RATE_LIMIT_BOT_PARSE": "",
    "RATE_LIMIT_FEEDBACK": "",
    "BOT_CACHE_DIR": str(BOT_CACHE_DIR),
    "REVIEW_SAMPLE_RATE": "0",
    "RATE_LIMIT_VISITORS": "",
    "RATE_LIMIT_RENEWALS": "",
}


def make_settings(database_url: str, log_dir: Path | None = None, **overrides: Any) -> Settings:
    """Test settings: Argon2 at its cheapest (the production profile has tests of its
    own) and the rate limits off unless a test turns one on."""
    values: dict[str, Any] = {
        "env": "test",
        "argon2_profile": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "rate_limit_login_failures": "",
        "rate_limit_messages": "",
        "rate_limit_sessions": "",
        "rate_limit_registrations": "",
        "rate_limit_bot_parse": "",
        "rate_limit_feedback": "",
        "bot_cache_dir": BOT_CACHE_DIR,
        "review_sample_rate": 0.0,  # random inbox items only where a test asks for them
        "rate_limit_visitors": "",
        "rate_limit_renewals": "",
    }
    if log_dir is not None:
        values["log_dir"] = log_dir
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"
