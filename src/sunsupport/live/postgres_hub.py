"""Live events across processes through PostgreSQL LISTEN/NOTIFY: no extra service
for deployments that already run PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import OrderedDict
from typing import Any

import asyncpg
from loguru import logger
from sqlalchemy.engine import make_url

from sunsupport.live.brokered import BrokeredHub

PING_INTERVAL_SECONDS = 15
# NOTIFY payloads are limited to 8000 bytes, and a 2000-character message of 4-byte
# characters is 8 KB before its JSON. Larger events go as parts of one transaction
# (delivered together and in order) and are put together again by the listeners.
PART_BYTES = 6000
MAX_PENDING_EVENTS = 64


class PostgresHub(BrokeredHub):
    """LISTEN/NOTIFY on one channel; events over NOTIFY's size limit travel in parts."""

    def __init__(self, database_url: str, channel: str, max_pending: int = 1000) -> None:
        super().__init__(max_pending)
        url = make_url(database_url)
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._channel = f"{channel}_live".replace("-", "_")
        self._sender: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()
        self._partial: OrderedDict[str, dict[int, str]] = OrderedDict()

    def _on_payload(self, payload: str | bytes) -> None:
        """Put parted events together (their parts arrive together, in order)."""
        text = payload.decode() if isinstance(payload, bytes) else payload
        if not text.startswith('{"part"'):
            super()._on_payload(text)
            return
        try:
            envelope = json.loads(text)
            parts = self._partial.setdefault(str(envelope["part"]), {})
            parts[int(envelope["i"])] = str(envelope["d"])
            if len(parts) == int(envelope["n"]):
                del self._partial[str(envelope["part"])]
                super()._on_payload("".join(parts[i] for i in range(len(parts))))
        except (ValueError, KeyError, TypeError):
            logger.warning("ignoring a malformed part of a live event")
        while len(self._partial) > MAX_PENDING_EVENTS:  # parts of a lost event
            self._partial.popitem(last=False)

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
            parts = _parts(payload)
            try:
                if len(parts) == 1:  # a statement of its own is a transaction of its own
                    await self._sender.execute("SELECT pg_notify($1, $2)", self._channel, parts[0])
                    return
                async with self._sender.transaction():  # the parts are delivered together
                    for part in parts:
                        await self._sender.execute("SELECT pg_notify($1, $2)", self._channel, part)
            except (asyncpg.PostgresConnectionError, OSError):
                self._sender.terminate()
                self._sender = None
                raise

    async def _close(self) -> None:
        if self._sender is not None:
            await self._sender.close()


def _parts(payload: str) -> list[str]:
    """The payload itself, or envelopes of parts small enough for NOTIFY."""
    if len(payload.encode()) <= PART_BYTES:
        return [payload]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in payload:
        width = len(ch.encode())
        if size + width > PART_BYTES // 2:  # the envelope's JSON may escape characters
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    pieces.append("".join(current))
    event_id = uuid.uuid4().hex
    return [
        json.dumps({"part": event_id, "i": i, "n": len(pieces), "d": piece}, ensure_ascii=False)
        for i, piece in enumerate(pieces)
    ]
