"""One running app, reused by consecutive tests with the same settings.

Starting an app costs a knowledge-base build, an engine and log sinks; most tests only
need a clean database. Tests that change settings (a rate limit, a knowledge-base file)
get an app of their own, and the next test with other settings gets a new one again.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunsupport.app import create_app
from sunsupport.chat import review
from sunsupport.core.config import Settings
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.models import KbExample
from tests.support.databases import reset_database


class AppRunner:
    def __init__(self) -> None:
        self._key: str | None = None
        self._stack: AsyncExitStack | None = None
        self._app: FastAPI | None = None

    async def fresh(self, settings: Settings) -> FastAPI:
        """An app for ``settings`` with an empty database and nothing remembered."""
        key = settings.model_dump_json()
        if self._app is None or key != self._key:
            await self.close()
            self._app = await self._start(settings)
            self._key = key
        else:
            await _forget(self._app)
        return self._app

    async def _start(self, settings: Settings) -> FastAPI:
        app = create_app(settings)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        await reset_database(app.state.db)
        return app

    async def close(self) -> None:
        if self._stack is not None:
            stack, self._stack, self._app, self._key = self._stack, None, None, None
            await stack.aclose()


async def _forget(app: FastAPI) -> None:
    """Back to the state of a new app: no rows, fresh limit counters, the file's bot."""
    await app.state.presence.settled()
    await review.settled()  # a late review must not write into the next test's database
    await app.state.bot_keeper.settled()
    taught = await app.state.db.read(_taught_examples)
    await reset_database(app.state.db)
    app.state.limiter = RateLimiter(app.state.settings)
    if taught:
        await app.state.bot_keeper.load()


def _taught_examples(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(KbExample)) or 0)
