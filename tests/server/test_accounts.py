"""Accounts across real processes: a password change on one server revokes the old
tokens on the other at once and closes their live connections; with two workers, the
daily purge runs once; the account commands (delete-user, purge)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.databases import copy_database
from tests.support.live import PASSWORD, create_staff, login, new_user, open_socket
from tests.support.postgres import fresh_database
from tests.support.servers import (
    RunningServer,
    _sqlite_template,
    run_cli,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, RunningServer]]:
    prefix = f"test{uuid.uuid4().hex[:10]}"
    with fresh_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "shared-" + uuid.uuid4().hex * 2,
            "LIVE_BACKEND": "postgres",
            "LIVE_CHANNEL_PREFIX": prefix,
        }
        first = start_server(tmp_path_factory.mktemp("a"), env)
        try:
            second = start_server(tmp_path_factory.mktemp("b"), env)
        except Exception:
            stop_server(first)
            raise
        yield first, second
        stop_server(second)
        stop_server(first)


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["password", "logout-all"])
async def test_revoking_on_one_server_signs_out_everywhere_at_once(
    pair: tuple[RunningServer, RunningServer], how: str
) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=15) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=15) as http_b,
    ):
        token, headers = await new_user(http_a)
        sid = (await http_b.post("/chat/session", headers=headers)).json()["id"]
        assert (await http_b.get("/auth/me", headers=headers)).status_code == 200
        async with open_socket(b, f"/ws/chat/{sid}", token) as page:
            await page.next("ready")
            if how == "password":
                changed = await http_a.post(
                    "/auth/password",
                    headers=headers,
                    json={"current_password": PASSWORD, "new_password": "amber-sunrise-77"},
                )
                assert changed.status_code == 200
                fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
                assert (await http_b.get("/auth/me", headers=fresh)).status_code == 200
            else:
                assert (await http_a.post("/auth/logout-all", headers=headers)).status_code == 204
            refused = await http_b.get("/auth/me", headers=headers)
            assert refused.status_code == 401
            started = time.monotonic()
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(page.connection.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
            assert time.monotonic() - started < 5  # the live event, not the minute's re-check


def _old_conversations(db_file: Path, count: int) -> None:
    """Conversations of one user, last written to in 2020."""
    db = sqlite3.connect(db_file)
    db.execute(
        "INSERT INTO users (id, username, username_key, hashed_password, created_at) "
        "VALUES (1, 'olduser', 'olduser', 'h', '2020-01-01 00:00:00')"
    )
    for n in range(count):
        db.execute(
            "INSERT INTO sessions (id, user_id, created_date, last_message_at) "
            "VALUES (?, 1, '2020-01-01 00:00:00', '2020-01-02 00:00:00')",
            (f"old-{n}",),
        )
        db.execute(
            "INSERT INTO messages (session_id, sender_type, text, sent_at) "
            "VALUES (?, 'user', 'давнее', '2020-01-02 00:00:00')",
            (f"old-{n}",),
        )
    db.commit()
    db.close()


def test_two_workers_run_the_daily_purge_once(tmp_path: Path) -> None:
    db_file = copy_database(_sqlite_template(), tmp_path / "server.db")
    _old_conversations(db_file, 3)
    server = start_server(tmp_path, {"RETENTION_DAYS": "30"}, workers=2)
    try:
        deadline = time.monotonic() + 20
        console = tmp_path / "server.out"
        while console.read_text(encoding="utf-8").count("started (sqlite)") < 2:
            assert time.monotonic() < deadline, "both workers should start"
            time.sleep(0.1)
        time.sleep(1.0)  # both workers have tried to claim the day's purge by now
        db = sqlite3.connect(db_file)
        purges = db.execute(
            "SELECT detail FROM audit_log WHERE action = 'retention.purged'"
        ).fetchall()
        left = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        holder = db.execute("SELECT holder FROM task_leases WHERE name = 'retention'").fetchone()
        db.close()
    finally:
        stop_server(server)
    assert len(purges) == 1
    assert '"conversations": 3' in purges[0][0]
    assert left == 0
    assert holder is not None and holder[0]


def sunsupport(server: RunningServer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=server.workdir, env=server.env)


async def test_delete_user_and_purge_from_the_command_line(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        _, headers = await new_user(http)
        me = (await http.get("/auth/me", headers=headers)).json()
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        await http.post(
            "/chat/message", headers=headers, json={"session_id": sid, "text": "привет"}
        )
        operator = create_staff(server)
        operator_headers = await login(http, operator)

        deleted = sunsupport(server, "delete-user", me["username"])
        assert deleted.returncode == 0, deleted.stderr
        assert "1 conversations, 2 messages" in deleted.stdout
        assert (await http.get("/auth/me", headers=headers)).status_code == 401
        staff = sunsupport(server, "delete-user", operator["username"])
        assert staff.returncode == 0, staff.stderr
        assert (await http.get("/auth/me", headers=operator_headers)).status_code == 401
        missing = sunsupport(server, "delete-user", "nobody_at_all")
        assert missing.returncode != 0 and "No user named" in missing.stderr

    dry = sunsupport(server, "purge", "--dry-run", "--days", "1")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("would delete 0 conversations")
    unset = sunsupport(server, "purge")
    assert unset.returncode != 0 and "RETENTION_DAYS" in unset.stderr
