from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sunsupport.core.config import SECRET_FILE_NAME, ConfigError, Settings
from tests.support.servers import run_cli


def settings_for(tmp_path: Path, **values) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.db'}",
        **values,
    )


def test_defaults_match_the_documentation(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "SECRET_KEY", "PORT", "HOST", "ENV", "LOG_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite+aiosqlite:///./db.db"
    assert settings.access_token_expire_minutes == 30
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.bot_reply_delay_seconds == 0
    assert settings.rate_limit_login_failures == "10/minute;30/hour"
    assert settings.rate_limit_messages == "60/minute"
    assert settings.rate_limit_sessions == "20/minute"
    assert str(settings.log_dir) == "logs"


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = settings_for(tmp_path).resolve_secret_key()
    secret_file = tmp_path / "data" / SECRET_FILE_NAME
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert settings_for(tmp_path).resolve_secret_key() == first
    assert len(first) >= 64


def test_explicit_secret_wins(tmp_path: Path) -> None:
    configured = "configured-" + "k" * 32
    assert settings_for(tmp_path, secret_key=configured).resolve_secret_key() == configured
    assert not (tmp_path / "data" / SECRET_FILE_NAME).exists()


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_for(tmp_path, env="production").resolve_secret_key()


def test_serve_in_production_without_secret_exits_with_a_clear_message(tmp_path: Path) -> None:
    env = {"ENV": "production", "PATH": "/usr/bin:/bin"}
    result = run_cli("serve", "--port", "1", cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_read_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    (tmp_path / ".env").write_text("PORT=9123\nHOST=0.0.0.0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9123)  # noqa: S104


@pytest.mark.parametrize("weak", ["a", "   ", "short-but-not-32-bytes-long"])
def test_production_refuses_a_weak_secret(tmp_path: Path, weak: str) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_for(tmp_path, env="production", secret_key=weak).resolve_secret_key()


def test_a_secret_is_stripped_and_a_short_one_only_warned_about_in_development(
    tmp_path: Path,
) -> None:
    strong = "k" * 40
    assert settings_for(tmp_path, secret_key=f"  {strong}\n").resolve_secret_key() == strong
    with pytest.warns(UserWarning, match="shorter than 32 bytes"):
        assert settings_for(tmp_path, secret_key="dev").resolve_secret_key() == "dev"


def test_a_loose_or_short_secret_file_is_repaired(tmp_path: Path) -> None:
    secret_file = tmp_path / "data" / SECRET_FILE_NAME
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text("x" * 48, encoding="utf-8")
    secret_file.chmod(0o644)
    assert settings_for(tmp_path).resolve_secret_key() == "x" * 48
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret_file.write_text("tiny", encoding="utf-8")
    replaced = settings_for(tmp_path).resolve_secret_key()
    assert len(replaced) >= 64 and replaced != "tiny"
