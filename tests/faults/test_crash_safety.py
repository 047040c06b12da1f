"""SIGKILL under load: every message that was answered 201 survives, and SQLite stays sound.

A 201 promises the message is stored (the unit of work commits before the response is
sent). The test holds the server to it: concurrent clients post messages, the server is
killed mid-flight without any chance to clean up, restarted on the same file, and every
acknowledged message must be in the history, with its text, in a database that passes
``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.servers import start_server, stop_server

pytestmark = pytest.mark.server

CLIENTS = 8
LOAD_SECONDS = 3.5


@dataclass
class Client:
    headers: dict[str, str]
    session_id: str
    acknowledged: dict[int, str] = field(default_factory=dict)  # message_id -> text
    errors: list[str] = field(default_factory=list)


def _register(http: httpx.Client) -> dict[str, str]:
    credentials = {"username": "crash" + uuid.uuid4().hex[:8], "password": "sunshine-123"}
    assert http.post("/auth/register", json=credentials).status_code == 201
    token = http.post("/auth/login", json=credentials).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _post_until_dead(base_url: str, client: Client, number: int, stop: threading.Event) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        i = 0
        while not stop.is_set():
            text = f"сообщение {number}-{i} {uuid.uuid4().hex[:6]}"
            i += 1
            try:
                response = http.post(
                    "/chat/message",
                    headers=client.headers,
                    json={"session_id": client.session_id, "text": text},
                )
            except httpx.TransportError:
                return  # the server is gone: whatever was in flight is unknown, not promised
            if response.status_code == 201:
                client.acknowledged[response.json()["message_id"]] = text
            else:
                client.errors.append(f"{response.status_code} {response.text[:200]}")


def _full_history(http: httpx.Client, client: Client) -> dict[int, str]:
    stored: dict[int, str] = {}
    before: int | None = None
    while True:
        params: dict[str, int] = {"limit": 500}
        if before is not None:
            params["before_id"] = before
        response = http.get(
            f"/chat/history/{client.session_id}", headers=client.headers, params=params
        )
        assert response.status_code == 200, response.text
        page = response.json()
        if not page:
            return stored
        stored.update({m["id"]: m["text"] for m in page if m["sender_type"] == "user"})
        before = page[0]["id"]


def test_sigkill_under_load_loses_no_acknowledged_message(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        clients: list[Client] = []
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            users = [_register(http) for _ in range(2)]  # Argon2: few users, many sessions
            for number in range(CLIENTS):
                headers = users[number % len(users)]
                sid = http.post("/chat/session", headers=headers).json()["id"]
                clients.append(Client(headers=headers, session_id=sid))

        stop = threading.Event()
        threads = [
            threading.Thread(target=_post_until_dead, args=(server.base_url, c, n, stop))
            for n, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.process.poll() is None:
            server.process.kill()

    acknowledged = sum(len(c.acknowledged) for c in clients)
    assert acknowledged >= 20, "the load was too light to mean anything"
    assert not [e for c in clients for e in c.errors], "errors before the kill"

    restarted = start_server(tmp_path)
    try:
        with httpx.Client(base_url=restarted.base_url, timeout=30) as http:
            for client in clients:
                stored = _full_history(http, client)
                missing = {i: t for i, t in client.acknowledged.items() if stored.get(i) != t}
                assert not missing, f"acknowledged but lost after SIGKILL: {missing}"
    finally:
        stop_server(restarted)

    with sqlite3.connect(tmp_path / "server.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
