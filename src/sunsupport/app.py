"""Application factory: nothing is built at import time, so tests make their own apps."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import cache, partial

from fastapi import FastAPI
from loguru import logger

from sunsupport import __version__
from sunsupport.audit.router import router as audit_router
from sunsupport.auth.password_rules import common_passwords
from sunsupport.auth.router import router as auth_router
from sunsupport.auth.service import Presence
from sunsupport.auth.staff_router import router as staff_router
from sunsupport.canned import router as canned
from sunsupport.chat import review
from sunsupport.chat.router import router as chat_router
from sunsupport.chat.service import ChatPolicy
from sunsupport.chat.ws import router as chat_socket_router
from sunsupport.core.access_log import AccessLog
from sunsupport.core.config import Settings, get_settings
from sunsupport.core.database import open_database
from sunsupport.core.docs import install_docs
from sunsupport.core.errors import install_error_handlers
from sunsupport.core.fairness import Gates
from sunsupport.core.health import HealthProbe
from sunsupport.core.health import router as health_router
from sunsupport.core.logging import configure_logging
from sunsupport.core.metrics import install_metrics
from sunsupport.core.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    framable_headers,
)
from sunsupport.core.pages import WIDGET_PATH, install_pages
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.usernames import skeleton
from sunsupport.knowledge import router as knowledge
from sunsupport.knowledge.keeper import BotKeeper
from sunsupport.knowledge.runner import BotRunner
from sunsupport.live.factory import create_hub, live_backend
from sunsupport.live.socket import Admission
from sunsupport.notify.mailer import SmtpSender
from sunsupport.notify.service import LivePresence, MailPolicy
from sunsupport.notify.worker import MailWorker
from sunsupport.operator.router import router as operator_router
from sunsupport.operator.tasks import refresh_queue_gauge
from sunsupport.operator.ws import router as staff_socket_router
from sunsupport.privacy import idle_visitors, retention
from sunsupport.privacy.router import router as privacy_router
from sunsupport.stats.router import router as stats_router

# Fairness (core/fairness.py): requests of one user, or of one address before login, that
# run at the same time; more wait their turn, and beyond the queue get 429.
USER_RUNNING = 4
ADDRESS_RUNNING = 4
QUEUE_PER_KEY = 64


def _load_name_and_password_tables() -> None:
    common_passwords()
    skeleton("warm")


def _freeze_startup_objects() -> None:
    """Everything loaded so far (the bot's model, the tables, the app) lives as long as
    the app: keep it out of the collector's full passes, which otherwise stop every
    request for ~130 ms about once a second under load (unfrozen again at shutdown).
    Start-up's garbage is collected first, once per process: a process that starts many
    apps (the tests: ~150) would otherwise pay a full collection each time."""
    _collect_once()
    gc.freeze()


@cache
def _collect_once() -> None:
    gc.collect()


def create_app(
    settings: Settings | None = None, *, passwords: PasswordHasher | None = None
) -> FastAPI:
    """The whole service. ``passwords`` replaces the hasher the settings choose."""
    settings = settings or get_settings()
    settings = settings.model_copy(update={"secret_key": settings.resolve_secret_key()})
    configure_logging(settings)
    access_log = AccessLog(enabled=logger.level(settings.log_level).no <= logger.level("INFO").no)
    live_backend(settings)  # a misconfigured live backend fails here, not at first use

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.hub = hub = create_hub(settings)
        await hub.start()
        app.state.db = db = open_database(settings, hub)
        app.state.health = HealthProbe(db, settings.db_connect_timeout_seconds + 1)
        app.state.limiter = RateLimiter(settings)
        app.state.presence = presence = Presence(db)
        app.state.live_presence = live_presence = LivePresence(db)
        app.state.bot_keeper = keeper = BotKeeper(settings.kb_path, db, settings.bot_cache_dir)
        app.state.bot_runner = BotRunner(keeper)
        await keeper.load()
        # Tables and the stand-in hash made once here, not by the first request
        # (the confusables table would otherwise be parsed inside a write).
        await asyncio.to_thread(_load_name_and_password_tables)
        await app.state.passwords.prepare()
        tasks = [
            asyncio.create_task(access_log.run()),
            asyncio.create_task(keeper.follow(hub)),
            asyncio.create_task(refresh_queue_gauge(db)),
            asyncio.create_task(live_presence.run()),
        ]
        if settings.retention_days is not None:
            tasks.append(asyncio.create_task(retention.run_daily(db, settings.retention_days)))
        forget_visitors = partial(idle_visitors.forget, db, settings.visitor_token_expire_days)
        tasks.append(asyncio.create_task(retention.daily(db, idle_visitors.TASK, forget_visitors)))
        if settings.mail_on:  # every process runs one: they share the outbox safely
            worker = MailWorker(db, settings, SmtpSender(settings))
            tasks.append(asyncio.create_task(worker.run()))
        _freeze_startup_objects()
        logger.info("sunsupport {} started ({})", __version__, db.backend)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await presence.settled()
            await live_presence.settled()
            await keeper.settled()
            await review.settled()
            await hub.stop()
            await db.dispose()
            gc.unfreeze()
            logger.info("sunsupport stopped")

    app = FastAPI(
        title="Солнце · техподдержка",
        version=__version__,
        description="Support chat: a Russian-speaking bot consultant, chat sessions, history, "
        "operator handoff with live delivery, feedback and statistics.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by install_docs, encoded once
        # Our metrics are Prometheus (/metrics). FastAPI's native OpenTelemetry bridge would
        # otherwise look up three global providers (environment reads) on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.passwords = passwords or PasswordHasher(settings.argon2_profile)
    app.state.user_gates = Gates(running=USER_RUNNING, waiting=QUEUE_PER_KEY)
    app.state.address_gates = Gates(running=ADDRESS_RUNNING, waiting=QUEUE_PER_KEY)
    app.state.login_gates = Gates(running=1, waiting=QUEUE_PER_KEY)
    app.state.socket_admission = Admission()
    app.state.mail_policy = MailPolicy(
        enabled=settings.mail_on,
        offline_after=timedelta(seconds=settings.notify_offline_after_seconds),
    )
    app.state.chat_policy = ChatPolicy(
        operator_active_window=timedelta(minutes=settings.operator_active_minutes),
        low_confidence=settings.inbox_low_confidence,
        review_sample_rate=settings.review_sample_rate,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RequestContextMiddleware,
        access_log=access_log,
        # The widget's frame: the service's own pages and the sites named in the settings.
        framable={WIDGET_PATH: framable_headers(" ".join(("'self'", *settings.widget_origins)))},
    )
    app.state.access_log = access_log
    install_metrics(app, settings.metrics_allowed, settings.metrics_token)
    # Probes first: they match before any other route is tried.
    app.include_router(health_router)
    install_docs(app, enabled=settings.docs_on)
    for router in (
        auth_router,
        privacy_router,
        chat_router,
        knowledge.parse_router,
        operator_router,
        canned.operator_router,
        knowledge.admin_router,
        canned.admin_router,
        stats_router,
        audit_router,
        staff_router,
        chat_socket_router,
        staff_socket_router,
    ):
        app.include_router(router)
    install_pages(app)

    return app
