"""Rate limits on top of the `limits` library (moving windows, memory or Redis storage)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from sunsupport.core.config import Settings
from sunsupport.core.errors import TooManyRequests


@dataclass(frozen=True, slots=True)
class Limit:
    """One named limit; ``item`` is None when the setting is empty (limit turned off)."""

    name: str
    item: RateLimitItem | None


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(
            _async_storage(settings.rate_limit_storage_uri, settings.rate_limit_key_prefix)
        )
        self.login_failures = _limit("login", settings.rate_limit_login_failures)
        self.messages = _limit("messages", settings.rate_limit_messages)
        self.sessions = _limit("sessions", settings.rate_limit_sessions)
        self.registrations = _limit("registrations", settings.rate_limit_registrations)
        self.bot_parse = _limit("bot_parse", settings.rate_limit_bot_parse)

    async def hit(self, limit: Limit, key: str, detail: str) -> None:
        """Count one event; raise 429 when it goes over the limit."""
        if limit.item is None:
            return
        if not await self._limiter.hit(limit.item, limit.name, key):
            raise TooManyRequests(detail, await self._retry_after(limit.item, limit.name, key))

    async def check(self, limit: Limit, key: str, detail: str) -> None:
        """Raise 429 if the limit is already used up, without counting an event."""
        if limit.item is None:
            return
        if not await self._limiter.test(limit.item, limit.name, key):
            raise TooManyRequests(detail, await self._retry_after(limit.item, limit.name, key))

    async def record(self, limit: Limit, key: str) -> None:
        """Count one event without checking it (failed logins are counted after the fact)."""
        if limit.item is not None:
            await self._limiter.hit(limit.item, limit.name, key)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._limiter.get_window_stats(item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _limit(name: str, spec: str) -> Limit:
    spec = spec.strip()
    return Limit(name, parse(spec) if spec else None)


def _async_storage(uri: str, key_prefix: str) -> Storage:
    """`memory://`, `redis://…` etc. as the library's asyncio storage. Redis goes through
    redis-py, the client the live-event hub uses too (one Redis dependency, not two)."""
    uri = uri if uri.startswith("async+") else f"async+{uri}"
    options = (
        {"implementation": "redispy", "key_prefix": key_prefix}
        if uri.startswith("async+redis")
        else {}
    )
    storage = storage_from_string(uri, **options)
    assert isinstance(storage, Storage)
    return storage
