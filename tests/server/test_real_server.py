"""The service as a newcomer runs it: a real process, real HTTP, a real SQLite file."""

from __future__ import annotations

import sqlite3
import stat
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from sunsupport.core.config import SECRET_FILE_NAME
from tests.support.servers import RunningServer, start_server, stop_server
from tests.support.settings import SERVER_ENV


@pytest.fixture(scope="module")
def newcomer_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`sunsupport migrate`, then `sunsupport serve` with every setting at its default
    (production-strength Argon2, the documented rate limits)."""
    defaults: dict[str, str | None] = {name: None for name in SERVER_ENV}
    running = start_server(tmp_path_factory.mktemp("newcomer"), defaults, migrate=True)
    yield running
    stop_server(running)


def test_register_login_chat_over_http(newcomer_server: RunningServer) -> None:
    server = newcomer_server
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        username = "srv" + uuid.uuid4().hex[:8]
        credentials = {"username": username, "password": "sunshine-123"}
        assert http.post("/auth/register", json=credentials).status_code == 201
        token = http.post("/auth/login", json=credentials).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        sid = http.post("/chat/session", headers=headers).json()["id"]
        posted = http.post(
            "/chat/message", headers=headers, json={"session_id": sid, "text": "привет"}
        )
        assert posted.status_code == 201
        assert posted.headers["x-request-id"]
        history = http.get(f"/chat/history/{sid}", headers=headers).json()
        assert [m["sender_type"] for m in history] == ["user", "bot"]
        page = http.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert http.get("/docs").status_code == 200

    log_file = server.workdir / "logs" / "app.log"
    for _ in range(50):  # access lines are written in batches, a fraction of a second apart
        if log_file.exists() and "POST /chat/message 201" in log_file.read_text(encoding="utf-8"):
            break
        time.sleep(0.1)
    assert "POST /chat/message 201" in log_file.read_text(encoding="utf-8")
    secret = server.workdir / SECRET_FILE_NAME
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    private = [server.workdir / name for name in ("server.db", "server.db-wal", "logs/app.log")]
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((server.workdir / "logs").stat().st_mode) == 0o700
    with sqlite3.connect(server.workdir / "server.db") as conn:
        hashed = conn.execute("SELECT hashed_password FROM users").fetchone()[0]
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), "production Argon2 by default"


def test_tokens_survive_a_restart(tmp_path) -> None:
    """Also: a database made readable by others (here: copied in with mode 0644) is made
    private when the server starts."""
    first = start_server(tmp_path)
    (tmp_path / "server.db").chmod(0o644)
    try:
        with httpx.Client(base_url=first.base_url, timeout=10) as http:
            credentials = {"username": "restarter", "password": "sunshine-123"}
            http.post("/auth/register", json=credentials)
            token = http.post("/auth/login", json=credentials).json()["access_token"]
    finally:
        stop_server(first)
    second = start_server(tmp_path)
    assert stat.S_IMODE((tmp_path / "server.db").stat().st_mode) == 0o600
    try:
        me = httpx.get(
            f"{second.base_url}/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert me.status_code == 200
    finally:
        stop_server(second)
