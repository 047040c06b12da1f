"""Application factory: nothing is built at import time, so tests make their own apps."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sunsupport import __version__, metrics
from sunsupport.admin.router import router as admin_router
from sunsupport.auth.router import router as auth_router
from sunsupport.bot_api import router as bot_router
from sunsupport.bot_keeper import BotKeeper
from sunsupport.chat.router import router as chat_router
from sunsupport.chat.service import ChatPolicy
from sunsupport.config import ConfigError, Settings, get_settings
from sunsupport.db import (
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    session_scope,
)
from sunsupport.docs import install_docs
from sunsupport.errors import install_error_handlers
from sunsupport.health import router as health_router
from sunsupport.live.hub import Hub, InMemoryHub
from sunsupport.live.router import router as live_router
from sunsupport.logging import configure_logging
from sunsupport.metrics import install_metrics
from sunsupport.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from sunsupport.operator import service as operators
from sunsupport.operator.router import router as operator_router
from sunsupport.pages import install_pages
from sunsupport.ratelimit import RateLimiter

GAUGE_REFRESH_SECONDS = 15


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings = settings.model_copy(update={"secret_key": settings.resolve_secret_key()})
    configure_logging(settings)
    live_backend = _live_backend(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.read_sessionmaker = create_read_sessionmaker(engine)
        app.state.write_lock = asyncio.Lock() if settings.is_sqlite else contextlib.nullcontext()
        app.state.limiter = RateLimiter(settings)
        app.state.hub = hub = _create_hub(live_backend, settings)
        await hub.start()
        app.state.bot_keeper = keeper = BotKeeper(settings.kb_path, app.state.read_sessionmaker)
        await keeper.load()
        learner = asyncio.create_task(keeper.follow(hub))
        gauges = asyncio.create_task(_refresh_gauges(app.state.read_sessionmaker))
        logger.info("sunsupport {} started ({})", __version__, engine.url.get_backend_name())
        try:
            yield
        finally:
            for task in (learner, gauges):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await hub.stop()
            await engine.dispose()
            logger.info("sunsupport stopped")

    app = FastAPI(
        title="Солнце · техподдержка",
        version=__version__,
        description="Support chat: a Russian-speaking bot consultant, chat sessions, history, "
        "operator handoff with live delivery, feedback and statistics.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.chat_policy = ChatPolicy(
        operator_active_window=timedelta(minutes=settings.operator_active_minutes),
        low_confidence=settings.inbox_low_confidence,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    install_metrics(app)
    for router in (
        auth_router,
        chat_router,
        bot_router,
        operator_router,
        admin_router,
        live_router,
        health_router,
    ):
        app.include_router(router)
    install_docs(app)
    install_pages(app)

    return app


def _live_backend(settings: Settings) -> str:
    """Which hub serves live events; a misconfiguration fails at start-up."""
    backend = settings.live_backend
    if backend == "auto":
        if settings.redis_url:
            return "redis"
        return "memory" if settings.is_sqlite else "postgres"
    if backend == "redis" and not settings.redis_url:
        raise ConfigError("LIVE_BACKEND=redis needs REDIS_URL")
    if backend == "postgres" and settings.is_sqlite:
        raise ConfigError("LIVE_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
    return backend


def _create_hub(backend: str, settings: Settings) -> Hub:
    if backend == "redis":
        from sunsupport.live.redis_hub import RedisHub

        return RedisHub(settings.redis_url or "", settings.live_channel_prefix)
    if backend == "postgres":
        from sunsupport.live.postgres_hub import PostgresHub

        return PostgresHub(settings.database_url, settings.live_channel_prefix)
    return InMemoryHub()


async def _refresh_gauges(factory: async_sessionmaker[AsyncSession]) -> None:
    """Keep the queue-length gauge current (the database is the truth across processes)."""
    while True:
        try:
            async with session_scope(factory) as session:
                metrics.set_queue_length(await operators.waiting_count(session))
        except Exception as exc:  # a database outage must not kill the task
            logger.debug("queue gauge not refreshed: {}", type(exc).__name__)
        await asyncio.sleep(GAUGE_REFRESH_SECONDS)
