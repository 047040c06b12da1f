"""Password attempts: the throttle shared by login and re-confirming a password.

Failures count per (username, address) pair and, more loosely, per address: never per
name alone, so nobody can lock a victim out from elsewhere. Attempts from one address
run one at a time (in this process), so the check of the limits, the verification and
the count of a failure cannot be raced in parallel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sunsupport.auth import repository
from sunsupport.core.fairness import Gates
from sunsupport.core.ratelimit import Limit, RateLimiter

TOO_MANY_FAILURES = "Too many failed login attempts; try again later"


@dataclass(slots=True)
class Attempt:
    succeeded: bool = False
    """Set by the caller once the password has been verified."""


@asynccontextmanager
async def password_attempt(
    limiter: RateLimiter, gates: Gates, username: str, client: str
) -> AsyncIterator[Attempt]:
    """Refused (429) while the limits are used up; an attempt the caller leaves with
    ``succeeded`` False counts as a failure (one that ends in an error does not)."""
    limits = _failure_limits(limiter, username, client)
    async with gates.turn(f"addr:{client}"):
        for limit, key in limits:
            await limiter.check(limit, key, TOO_MANY_FAILURES)
        attempt = Attempt()
        yield attempt
        if not attempt.succeeded:
            for limit, key in limits:
                await limiter.record(limit, key)


def _failure_limits(limiter: RateLimiter, username: str, client: str) -> list[tuple[Limit, str]]:
    pair = f"pair:{repository.username_key(username)}:{client}"
    return [
        (limiter.login_failures, pair),
        (limiter.login_failures_per_address, f"addr:{client}"),
    ]
