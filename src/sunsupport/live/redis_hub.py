"""Live events across processes through Redis pub/sub."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from sunsupport.live.brokered import BrokeredHub


class RedisHub(BrokeredHub):
    def __init__(self, url: str, channel: str, max_pending: int = 1000) -> None:
        super().__init__(max_pending)
        self._channel = f"{channel}:live"
        self._client = Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)

    async def _listen(self, ready: asyncio.Event) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            ready.set()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self._on_payload(message["data"])
        finally:
            # redis-py leaves PubSub.aclose unannotated.
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _send(self, payload: str) -> None:
        await self._client.publish(self._channel, payload)

    async def _close(self) -> None:
        await self._client.aclose()
