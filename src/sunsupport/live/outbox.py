"""Events recorded during a unit of work and published only after it commits.

Services call :func:`emit`; the session dependency publishes the outbox after the
commit succeeded, so nobody ever sees an event about data that was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.live.hub import Event, Hub

_KEY = "live_outbox"
_CALLBACKS = "after_commit"


def emit(session: AsyncSession, channels: tuple[str, ...] | str, event: Event) -> None:
    targets = (channels,) if isinstance(channels, str) else channels
    outbox = session.info.setdefault(_KEY, [])
    outbox.extend((channel, event) for channel in targets)


def on_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the unit of work has committed (e.g. to count it in metrics)."""
    session.info.setdefault(_CALLBACKS, []).append(callback)


async def flush(session: AsyncSession, hub: Hub) -> None:
    for callback in session.info.pop(_CALLBACKS, []):
        callback()
    for channel, event in session.info.pop(_KEY, []):
        await hub.publish(channel, event)


def discard(session: AsyncSession) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_CALLBACKS, None)
