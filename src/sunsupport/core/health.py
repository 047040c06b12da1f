from __future__ import annotations

from fastapi import APIRouter, Request
from loguru import logger
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sunsupport.core.db import READ_ONLY
from sunsupport.core.deps import get_database
from sunsupport.core.errors import ServiceUnavailable, error_responses
from sunsupport.core.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses=error_responses(503))
async def health(request: Request) -> HealthOut:
    """Liveness and readiness: answers ok only when the database answers."""
    try:
        engine = get_database(request).engine.execution_options(**{READ_ONLY: True})
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("health check: database unavailable: {}", type(exc).__name__)
        raise ServiceUnavailable("Database unavailable") from exc
    return HealthOut(status="ok")
