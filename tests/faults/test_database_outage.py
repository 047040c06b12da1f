"""The database goes away and comes back: requests fail fast with 503, then recover alone.

A real server talks to PostgreSQL through a small TCP proxy that the test controls, so the
database can be made unreachable without touching the PostgreSQL server itself. Two kinds
of outage: the address refuses connections (the database process is down), and the network
silently drops every packet (a partition, where only client-side timeouts help).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url

from tests.support.postgres import ADMIN_URL, fresh_database
from tests.support.servers import RunningServer, free_port, start_server, stop_server

pytestmark = [pytest.mark.server, pytest.mark.postgres]

FAST = 5.0  # seconds: an outage must be reported at least this quickly
CONNECT_TIMEOUT = "2"


class TcpProxy:
    """Forwards 127.0.0.1:port to the database; can refuse, black-hole, and forward again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.blackhole = False
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """The database is down: the port refuses connections, open ones are reset."""
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        self.cut()
        self.blackhole = False
        self.start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self._track(client)
            if self.blackhole:
                continue  # accepted, never answered: the connection attempt times out
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if not self.blackhole:  # a partition: bytes vanish, nobody is told
                    dst.sendall(data)
        except OSError:
            pass
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@pytest.fixture
def outage_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test's own; yields its name."""
    with fresh_database() as url:
        yield make_url(url).database or ""


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    url = make_url(ADMIN_URL)
    running = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    running.start()
    yield running
    running.cut()


@pytest.fixture
def server(tmp_path: Path, proxy: TcpProxy, outage_database: str) -> Iterator[RunningServer]:
    url = make_url(ADMIN_URL).set(host="127.0.0.1", port=proxy.port, database=outage_database)
    running = start_server(
        tmp_path,
        {
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "DB_CONNECT_TIMEOUT_SECONDS": CONNECT_TIMEOUT,
            "SECRET_KEY": "outage-test-" + "k" * 40,
        },
    )
    yield running
    stop_server(running)


def _timed(http: httpx.Client, method: str, url: str, **kwargs: object) -> httpx.Response:
    started = time.monotonic()
    response = http.request(method, url, **kwargs)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    assert elapsed < FAST, f"{method} {url} took {elapsed:.1f}s during the outage"
    return response


def _assert_unavailable(http: httpx.Client, headers: dict[str, str], sid: str) -> None:
    body = {"session_id": sid, "text": "привет"}
    for method, url, kwargs in (
        ("POST", "/chat/message", {"json": body, "headers": headers}),
        ("GET", "/health", {}),
        ("GET", f"/chat/history/{sid}", {"headers": headers}),
        ("POST", "/chat/message", {"json": body, "headers": headers}),
        ("GET", "/health", {}),
    ):
        response = _timed(http, method, url, **kwargs)
        assert response.status_code == 503, (method, url, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == {"detail": "Database unavailable"}
        assert response.headers.get("retry-after")


def _assert_recovers(http: httpx.Client, headers: dict[str, str], sid: str) -> None:
    """Without a restart: the pool notices the dead connections and opens new ones."""
    deadline = time.monotonic() + 20
    while http.get("/health").status_code != 200:
        assert time.monotonic() < deadline, "the service did not recover in 20 s"
        time.sleep(0.2)
    for _ in range(3):  # more than one pooled connection may have gone stale
        posted = http.post("/chat/message", headers=headers, json={"session_id": sid, "text": "ок"})
        assert posted.status_code == 201, posted.text
    assert http.get(f"/chat/history/{sid}", headers=headers).status_code == 200


def test_outage_fails_fast_with_503_and_recovers(server: RunningServer, proxy: TcpProxy) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        credentials = {"username": "outage" + uuid.uuid4().hex[:6], "password": "sunshine-123"}
        assert http.post("/auth/register", json=credentials).status_code == 201
        token = http.post("/auth/login", json=credentials).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        sid = http.post("/chat/session", headers=headers).json()["id"]
        body = {"session_id": sid, "text": "привет"}
        assert http.post("/chat/message", headers=headers, json=body).status_code == 201

        # The database is down: connections are reset and new ones refused.
        proxy.cut()
        _assert_unavailable(http, headers, sid)
        proxy.restore()
        _assert_recovers(http, headers, sid)

        # A network partition: pooled connections hang and new ones are never answered.
        proxy.blackhole = True
        _assert_unavailable(http, headers, sid)
        proxy.restore()
        _assert_recovers(http, headers, sid)
