"""Live events across processes through PostgreSQL LISTEN/NOTIFY: no extra service
for deployments that already run PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from sunsupport.live.brokered import BrokeredHub

# NOTIFY payloads are limited to 8000 bytes; a 2000-character message in Cyrillic is
# about 4 KB of JSON, so events fit. Bigger ones would fail loudly at publish time.
PING_INTERVAL_SECONDS = 15


class PostgresHub(BrokeredHub):
    def __init__(self, database_url: str, channel: str, max_pending: int = 1000) -> None:
        super().__init__(max_pending)
        url = make_url(database_url)
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._channel = f"{channel}_live".replace("-", "_")
        self._sender: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()

    async def _listen(self, ready: asyncio.Event) -> None:
        connection = await asyncpg.connect(self._dsn, timeout=5)
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _conn: lost.set())

        def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self._on_payload(payload)

        try:
            await connection.add_listener(self._channel, on_notify)
            ready.set()
            while not lost.is_set():
                # A silent network partition does not close the socket: ping to notice.
                await connection.fetchval("SELECT 1", timeout=5)
                try:
                    await asyncio.wait_for(lost.wait(), PING_INTERVAL_SECONDS)
                except TimeoutError:
                    continue
            raise ConnectionError("listener connection closed")
        finally:
            connection.terminate()

    async def _send(self, payload: str) -> None:
        async with self._send_lock:
            if self._sender is None or self._sender.is_closed():
                self._sender = await asyncpg.connect(self._dsn, timeout=5)
            try:
                await self._sender.execute("SELECT pg_notify($1, $2)", self._channel, payload)
            except (asyncpg.PostgresConnectionError, OSError):
                self._sender.terminate()
                self._sender = None
                raise

    async def _close(self) -> None:
        if self._sender is not None:
            await self._sender.close()
