"""Application factory: nothing is built at import time, so tests make their own apps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from loguru import logger

from sunsupport import __version__
from sunsupport.auth.router import router as auth_router
from sunsupport.bot.seed import SeedRulesBot
from sunsupport.chat.router import router as chat_router
from sunsupport.config import Settings, get_settings
from sunsupport.db import create_engine, create_sessionmaker
from sunsupport.docs import install_docs
from sunsupport.errors import install_error_handlers
from sunsupport.health import router as health_router
from sunsupport.logging import configure_logging
from sunsupport.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from sunsupport.ratelimit import RateLimiter

STATIC_DIR = Path(str(files("sunsupport") / "static"))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings = settings.model_copy(update={"secret_key": settings.resolve_secret_key()})
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.bot = SeedRulesBot()
        app.state.limiter = RateLimiter(settings)
        logger.info("sunsupport {} started ({})", __version__, engine.url.get_backend_name())
        try:
            yield
        finally:
            await engine.dispose()
            logger.info("sunsupport stopped")

    app = FastAPI(
        title="Солнце · техподдержка",
        version=__version__,
        description="Support chat: a Russian-speaking bot consultant, chat sessions, history.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(auth_router)
    app.include_router(chat_router)
    app.include_router(health_router)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
