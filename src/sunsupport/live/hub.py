"""Fan-out of live events to WebSocket subscribers.

A hub delivers each published event to every current subscriber of its channel, in
publishing order. The in-memory backend serves one process; a multi-process backend
(PostgreSQL LISTEN/NOTIFY or Redis pub/sub) implements the same two methods.
Delivery is best-effort by design: a subscriber that falls too far behind is cut off
and catches up from the database when it reconnects (events carry message ids).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

Event = dict[str, Any]

STAFF_CHANNEL = "staff"
SYSTEM_CHANNEL = "system"


def session_channel(session_id: str) -> str:
    return f"session:{session_id}"


def user_channel(user_id: int) -> str:
    """Events about one account (its role changed, it was deleted): its live connections
    re-check their access at once."""
    return f"user:{user_id}"


EPHEMERAL = frozenset({"typing"})
"""Event types a slow subscriber may miss: they are dropped once its queue is half full,
so they never push it into overflow (and a reconnect)."""


class SubscriberOverflow(Exception):
    """The subscriber did not keep up; it should reconnect and catch up."""


class Subscription:
    """An async iterator of events for one subscriber."""

    def __init__(self, max_pending: int) -> None:
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(max_pending)
        self.overflowed = False

    def deliver(self, event: Event) -> None:
        if self.overflowed:
            return
        if event.get("type") in EPHEMERAL and self._queue.qsize() * 2 >= self._queue.maxsize:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self._queue.get_nowait()  # make room for the end marker
            self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            if event is None:
                raise SubscriberOverflow
            yield event


class Hub(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...

    async def publish_all(self, events: Sequence[tuple[str, Event]]) -> None:
        """Publish ``(channel, event)`` pairs in this order, together where the broker
        allows (one message for all the events of a unit of work)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """``async with hub.subscribe(channel) as events: async for event in events``."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class InMemoryHub:
    """One process: subscribers are queues in this event loop."""

    def __init__(self, max_pending: int = 1000) -> None:
        self._channels: dict[str, set[Subscription]] = defaultdict(set)
        self._max_pending = max_pending

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._channels.clear()

    async def publish(self, channel: str, event: Event) -> None:
        self.deliver_local(channel, event)

    async def publish_all(self, events: Sequence[tuple[str, Event]]) -> None:
        for channel, event in events:
            self.deliver_local(channel, event)

    def deliver_local(self, channel: str, event: Event) -> None:
        for subscription in tuple(self._channels.get(channel, ())):
            subscription.deliver(event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(self._max_pending)
        self._channels[channel].add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._channels.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._channels[channel]

    def subscriber_count(self, channel: str) -> int:
        return len(self._channels.get(channel, ()))
