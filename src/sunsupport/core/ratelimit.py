"""Rate limits on top of the `limits` library (moving windows, memory or Redis storage)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from sunsupport.core.config import Settings
from sunsupport.core.errors import TooManyRequests


@dataclass(frozen=True, slots=True)
class Limit:
    """One named limit of one or more tiers (``10/minute;30/hour``: growing waits);
    no tiers when the setting is empty (the limit is off)."""

    name: str
    items: tuple[RateLimitItem, ...]

    def scaled(self, name: str, factor: int) -> Limit:
        """The same tiers with ``factor`` times the amounts (a looser limit for a wider key)."""
        return Limit(
            name,
            tuple(type(i)(i.amount * factor, i.multiples, i.namespace) for i in self.items),
        )


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(
            _async_storage(settings.rate_limit_storage_uri, settings.rate_limit_key_prefix)
        )
        self.login_failures = _limit("login", settings.rate_limit_login_failures)
        # Failures from one address over all usernames: five times the per-name allowance,
        # so an office behind one address is not locked out by one person's typos.
        self.login_failures_per_address = self.login_failures.scaled("login_addr", 5)
        self.messages = _limit("messages", settings.rate_limit_messages)
        self.sessions = _limit("sessions", settings.rate_limit_sessions)
        self.registrations = _limit("registrations", settings.rate_limit_registrations)
        self.bot_parse = _limit("bot_parse", settings.rate_limit_bot_parse)
        self.feedback = _limit("feedback", settings.rate_limit_feedback)
        self.visitors = _limit("visitors", settings.rate_limit_visitors)
        self.renewals = _limit("renewals", settings.rate_limit_renewals)

    async def hit(self, limit: Limit, key: str, detail: str) -> None:
        """Count one event; raise 429 when it goes over any tier."""
        for item in limit.items:
            if not await self._limiter.hit(item, limit.name, key):
                raise TooManyRequests(detail, await self._retry_after(item, limit.name, key))

    async def check(self, limit: Limit, key: str, detail: str) -> None:
        """Raise 429 if any tier is already used up, without counting an event."""
        for item in limit.items:
            if not await self._limiter.test(item, limit.name, key):
                raise TooManyRequests(detail, await self._retry_after(item, limit.name, key))

    async def record(self, limit: Limit, key: str) -> None:
        """Count one event without checking it (failed logins are counted after the fact)."""
        for item in limit.items:
            await self._limiter.hit(item, limit.name, key)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._limiter.get_window_stats(item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _limit(name: str, spec: str) -> Limit:
    spec = spec.strip()
    return Limit(name, tuple(parse_many(spec)) if spec else ())


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
