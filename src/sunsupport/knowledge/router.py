"""Knowledge endpoints: ``/bot/parse`` for everyone signed in, the rest for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from sunsupport.auth.deps import AdminUser, CurrentUser
from sunsupport.core.deps import DatabaseDep, LimiterDep
from sunsupport.core.errors import error_responses
from sunsupport.knowledge import service
from sunsupport.knowledge.deps import BotDep, BotRunnerDep, KeeperDep
from sunsupport.knowledge.schemas import (
    ExampleIn,
    ExampleOut,
    InboxStatusIn,
    InboxStatusName,
    IntentOut,
    KbReloadOut,
    MisunderstoodOut,
    ParseIn,
    ParseOut,
    RankedOut,
    TeachIn,
)
from sunsupport.models import InboxStatus

parse_router = APIRouter(prefix="/bot", tags=["bot"])
admin_router = APIRouter(
    prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 429, 503)
)
ItemId = Annotated[int, Path(ge=1, le=2**62)]
SLOW_DOWN = "Too many requests; slow down"


@parse_router.post(
    "/parse", response_model=ParseOut, responses=error_responses(401, 413, 422, 429, 503)
)
async def parse(
    body: ParseIn, runner: BotRunnerDep, user: CurrentUser, limiter: LimiterDep
) -> ParseOut:
    """The bot's reading of ``text`` as a fresh conversation. Nothing is stored."""
    await limiter.hit(limiter.bot_parse, f"user:{user.id}", SLOW_DOWN)
    reply = await service.parse(runner, body.text)
    return ParseOut(
        intent=reply.intent,
        confidence=round(reply.confidence, 4),
        answer=reply.text,
        suggestions=list(reply.suggestions),
        ranking=[
            RankedOut(intent=r.intent, confidence=round(r.confidence, 4)) for r in reply.ranking
        ],
    )


@admin_router.get(
    "/misunderstood", response_model=list[MisunderstoodOut], responses=error_responses(422)
)
async def misunderstood(
    db: DatabaseDep,
    _admin: AdminUser,
    status_filter: Annotated[InboxStatusName | None, Query(alias="status")] = "new",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[MisunderstoodOut]:
    """Fallbacks, low-confidence answers and 👎, newest first (``status`` filters)."""
    wanted = InboxStatus(status_filter) if status_filter else None
    items = await service.list_items(db, wanted, limit, offset)
    return [MisunderstoodOut.model_validate(item) for item in items]


@admin_router.patch(
    "/misunderstood/{item_id}",
    response_model=MisunderstoodOut,
    responses=error_responses(404, 413, 422),
)
async def set_inbox_status(
    item_id: ItemId, body: InboxStatusIn, db: DatabaseDep, admin: AdminUser
) -> MisunderstoodOut:
    item = await service.set_status(db, item_id, InboxStatus(body.status), admin)
    return MisunderstoodOut.model_validate(item)


@admin_router.post(
    "/misunderstood/{item_id}/teach",
    response_model=MisunderstoodOut,
    responses=error_responses(404, 413, 422),
)
async def teach(
    item_id: ItemId, body: TeachIn, db: DatabaseDep, admin: AdminUser, keeper: KeeperDep
) -> MisunderstoodOut:
    """Add the item's text as an example of an intent; the bot uses it at once."""
    item = await service.teach(db, item_id, body.intent, keeper, admin)
    return MisunderstoodOut.model_validate(item)


@admin_router.post("/kb/reload", response_model=KbReloadOut, responses=error_responses(422))
async def reload_knowledge_base(
    db: DatabaseDep, admin: AdminUser, keeper: KeeperDep
) -> KbReloadOut:
    """Re-read the knowledge base file in every process. A broken file is refused with
    its line and reason, and the bot keeps answering from the last good one."""
    bot = await service.reload(db, keeper, admin)
    return KbReloadOut(intents=len(bot.intent_ids))


@admin_router.get("/intents", response_model=list[IntentOut])
async def intents(_admin: AdminUser, bot: BotDep) -> list[IntentOut]:
    return [IntentOut(id=intent) for intent in bot.intent_ids]


@admin_router.post(
    "/examples",
    status_code=status.HTTP_201_CREATED,
    response_model=ExampleOut,
    responses=error_responses(413, 422),
)
async def add_example(
    body: ExampleIn, db: DatabaseDep, admin: AdminUser, keeper: KeeperDep
) -> ExampleOut:
    example = await service.add_example(db, body.intent, body.text, keeper, admin)
    return ExampleOut.model_validate(example)
