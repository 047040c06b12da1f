from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from sunsupport.admin import service, stats
from sunsupport.admin.schemas import (
    CannedReplyIn,
    DailyPoint,
    ExampleIn,
    ExampleOut,
    InboxStatusIn,
    InboxStatusName,
    IntentCount,
    IntentOut,
    KbReloadOut,
    MisunderstoodOut,
    StatsOut,
    TeachIn,
)
from sunsupport.auth.deps import AdminUser
from sunsupport.bot.kb import KnowledgeBaseError
from sunsupport.deps import BotDep, KeeperDep, ReadSessionDep, SessionDep
from sunsupport.errors import Unprocessable, error_responses
from sunsupport.inbox import service as inbox
from sunsupport.live.hub import SYSTEM_CHANNEL
from sunsupport.live.outbox import emit
from sunsupport.models import InboxStatus
from sunsupport.operator.schemas import CannedReplyOut
from sunsupport.timeutil import utcnow

router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 503))
ItemId = Annotated[int, Path(ge=1, le=2**62)]
MAX_STATS_RANGE = timedelta(days=366)


@router.get("/misunderstood", response_model=list[MisunderstoodOut], responses=error_responses(422))
async def misunderstood(
    session: ReadSessionDep,
    _admin: AdminUser,
    status_filter: Annotated[InboxStatusName | None, Query(alias="status")] = "new",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[MisunderstoodOut]:
    """Fallbacks, low-confidence answers and 👎, newest first (``status`` filters)."""
    wanted = InboxStatus(status_filter) if status_filter else None
    items = await inbox.list_items(session, wanted, limit, offset)
    return [MisunderstoodOut.model_validate(item) for item in items]


@router.patch(
    "/misunderstood/{item_id}",
    response_model=MisunderstoodOut,
    responses=error_responses(404, 413, 422),
)
async def set_inbox_status(
    item_id: ItemId, body: InboxStatusIn, session: SessionDep, _admin: AdminUser
) -> MisunderstoodOut:
    item = await inbox.set_status(session, item_id, InboxStatus(body.status))
    return MisunderstoodOut.model_validate(item)


@router.post(
    "/misunderstood/{item_id}/teach",
    response_model=MisunderstoodOut,
    responses=error_responses(404, 413, 422),
)
async def teach(
    item_id: ItemId, body: TeachIn, session: SessionDep, admin: AdminUser, keeper: KeeperDep
) -> MisunderstoodOut:
    """Add the item's text as an example of an intent; the bot uses it at once."""
    item, _ = await inbox.teach(session, item_id, body.intent, keeper, admin)
    return MisunderstoodOut.model_validate(item)


@router.post("/kb/reload", response_model=KbReloadOut, responses=error_responses(422))
async def reload_knowledge_base(
    session: SessionDep, _admin: AdminUser, keeper: KeeperDep
) -> KbReloadOut:
    """Re-read the knowledge base file in every process. A broken file is refused with
    its line and reason, and the bot keeps answering from the last good one."""
    try:
        bot = await keeper.load()
    except KnowledgeBaseError as exc:
        raise Unprocessable(str(exc)) from exc
    emit(session, SYSTEM_CHANNEL, keeper.reload_event())
    return KbReloadOut(intents=len(bot.intent_ids))


@router.get("/intents", response_model=list[IntentOut])
async def intents(_admin: AdminUser, bot: BotDep) -> list[IntentOut]:
    return [IntentOut(id=intent) for intent in bot.intent_ids]


@router.post(
    "/examples",
    status_code=status.HTTP_201_CREATED,
    response_model=ExampleOut,
    responses=error_responses(413, 422),
)
async def add_example(
    body: ExampleIn, session: SessionDep, admin: AdminUser, keeper: KeeperDep
) -> ExampleOut:
    example = await inbox.add_example(session, body.intent, body.text, keeper, admin)
    return ExampleOut.model_validate(example)


@router.post(
    "/canned",
    status_code=status.HTTP_201_CREATED,
    response_model=CannedReplyOut,
    responses=error_responses(409, 413, 422),
)
async def create_canned(
    body: CannedReplyIn, session: SessionDep, _admin: AdminUser
) -> CannedReplyOut:
    reply = await service.create_canned(session, body.shortcut, body.text)
    return CannedReplyOut.model_validate(reply)


@router.put(
    "/canned/{reply_id}",
    response_model=CannedReplyOut,
    responses=error_responses(404, 409, 413, 422),
)
async def update_canned(
    reply_id: ItemId, body: CannedReplyIn, session: SessionDep, _admin: AdminUser
) -> CannedReplyOut:
    reply = await service.update_canned(session, reply_id, body.shortcut, body.text)
    return CannedReplyOut.model_validate(reply)


@router.delete(
    "/canned/{reply_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 422),
)
async def delete_canned(reply_id: ItemId, session: SessionDep, _admin: AdminUser) -> None:
    await service.delete_canned(session, reply_id)


@router.get("/stats", response_model=StatsOut, responses=error_responses(422))
async def get_stats(
    session: ReadSessionDep,
    _admin: AdminUser,
    range_from: Annotated[datetime | None, Query(alias="from")] = None,
    range_to: Annotated[datetime | None, Query(alias="to")] = None,
) -> StatsOut:
    """Support figures between ``from`` and ``to`` (ISO 8601; default: the last 30 days)."""
    end = _aware(range_to) if range_to else utcnow()
    start = _aware(range_from) if range_from else end - timedelta(days=30)
    if start > end:
        raise Unprocessable("'from' must not be after 'to'")
    if end - start > MAX_STATS_RANGE:
        raise Unprocessable("The range may span at most 366 days")
    figures = await stats.compute(session, start, end)
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
        top_intents=[IntentCount(intent=i, count=n) for i, n in figures.top_intents],
        daily=[DailyPoint(day=d, messages=m, operator_messages=o) for d, m, o in figures.daily],
    )


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
