"""``GET /admin/stats``: the support figures behind the admin page's dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from sunsupport.auth.deps import AdminUser
from sunsupport.core.deps import DatabaseDep
from sunsupport.core.errors import error_responses
from sunsupport.core.timeutil import utcnow
from sunsupport.knowledge.deps import BotDep
from sunsupport.stats import service
from sunsupport.stats.schemas import DailyPoint, IntentCount, StatsOut

router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 429, 503))


@router.get("/stats", response_model=StatsOut, responses=error_responses(422))
async def get_stats(
    db: DatabaseDep,
    _admin: AdminUser,
    bot: BotDep,
    range_from: Annotated[datetime | None, Query(alias="from")] = None,
    range_to: Annotated[datetime | None, Query(alias="to")] = None,
) -> StatsOut:
    """Support figures between ``from`` and ``to`` (ISO 8601; default: the last 30 days)."""
    start, end = service.date_range(range_from, range_to, utcnow())
    figures = await db.read(service.compute, start, end)
    titles = bot.titles
    return StatsOut(
        range_from=start,
        range_to=end,
        conversations=figures.conversations,
        messages=figures.messages,
        user_messages=figures.user_messages,
        bot_messages=figures.bot_messages,
        operator_messages=figures.operator_messages,
        fallback_rate=figures.fallback_rate,
        handoff_rate=figures.handoff_rate,
        self_service_rate=figures.self_service_rate,
        median_first_response_seconds=figures.median_first_response_seconds,
        thumbs_up=figures.thumbs_up,
        thumbs_down=figures.thumbs_down,
        average_rating=figures.average_rating,
        ratings=figures.ratings,
        top_intents=[
            IntentCount(intent=i, title=titles.get(i, i), count=n) for i, n in figures.top_intents
        ],
        daily=[DailyPoint(day=d, messages=m, operator_messages=o) for d, m, o in figures.daily],
    )
