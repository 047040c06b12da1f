"""Hubs that reach every process through a broker (Redis pub/sub, PostgreSQL NOTIFY).

Each process keeps its local subscribers in an :class:`InMemoryHub`. Publishing sends
the event to the broker only; a listener task receives every event (this process's
own included) and delivers it locally, so all processes see one order per broker
channel. If the broker connection drops, the listener reconnects with backoff; events
published meanwhile are not replayed, which is why clients catch up from the database
by message id when they reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from loguru import logger

from sunsupport.live.hub import Event, InMemoryHub, Subscription

MAX_BACKOFF_SECONDS = 10.0


class BrokeredHub(ABC):
    def __init__(self, max_pending: int = 1000) -> None:
        self._local = InMemoryHub(max_pending)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen_forever())
        # Do not serve before the first subscription is in place (events would be lost),
        # but do not hang start-up forever on a broker that is down either.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._close()
        await self._local.stop()

    async def publish(self, channel: str, event: Event) -> None:
        await self._send(json.dumps({"c": channel, "e": event}, ensure_ascii=False))

    async def publish_all(self, events: Sequence[tuple[str, Event]]) -> None:
        """One broker message for all of them (a turn's message and answer: one NOTIFY
        instead of two), delivered in order."""
        if len(events) == 1:
            await self.publish(*events[0])
        elif events:
            batch = [{"c": channel, "e": event} for channel, event in events]
            await self._send(json.dumps(batch, ensure_ascii=False))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        async with self._local.subscribe(channel) as subscription:
            yield subscription

    def _on_payload(self, payload: str | bytes) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            logger.warning("ignoring a malformed live event from the broker")
            return
        for item in data if isinstance(data, list) else [data]:
            try:
                self._local.deliver_local(str(item["c"]), dict(item["e"]))
            except (ValueError, KeyError, TypeError):  # the others still go out
                logger.warning("ignoring a malformed live event from the broker")

    async def _listen_forever(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._listen(self._ready)
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker went away: retry, never crash the app
                logger.warning("live broker connection lost ({}); retrying", type(exc).__name__)
            self._ready.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    @abstractmethod
    async def _listen(self, ready: asyncio.Event) -> None:
        """Subscribe, set ``ready``, then feed payloads to ``_on_payload`` until failure."""

    @abstractmethod
    async def _send(self, payload: str) -> None: ...

    async def _close(self) -> None:
        return None
