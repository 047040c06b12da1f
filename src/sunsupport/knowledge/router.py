"""Knowledge endpoints: ``/bot/parse`` for everyone signed in, the rest for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from sunsupport.auth.deps import AdminUser, CurrentUser
from sunsupport.bot.classifier import Neighbour
from sunsupport.core.deps import DatabaseDep, LimiterDep
from sunsupport.core.errors import error_responses
from sunsupport.knowledge import service
from sunsupport.knowledge.deps import BotDep, BotRunnerDep, KeeperDep
from sunsupport.knowledge.schemas import (
    ExampleIn,
    ExampleMatchOut,
    ExampleOut,
    ExplainedIntentOut,
    ExplanationOut,
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
from sunsupport.models import InboxStatus, MisunderstoodItem

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
    explanation = None
    if body.explain:
        # Taught phrasings come from users' conversations: only staff see them.
        explained = await runner.explain(body.text, include_taught=user.is_staff)
        reply = explained.reply
        explanation = ExplanationOut(
            intents=[
                ExplainedIntentOut(
                    intent=i.intent,
                    title=i.title,
                    confidence=i.confidence,
                    examples=[_example(n) for n in i.examples],
                )
                for i in explained.intents
            ],
            nearest=[_example(n) for n in explained.nearest],
            taught=explained.taught,
        )
    else:
        reply = await service.parse(runner, body.text)
    return ParseOut(
        intent=reply.intent,
        confidence=round(reply.confidence, 4),
        answer=reply.text,
        suggestions=list(reply.suggestions),
        ranking=[
            RankedOut(intent=r.intent, confidence=round(r.confidence, 4)) for r in reply.ranking
        ],
        explain=explanation,
    )


def _example(neighbour: Neighbour) -> ExampleMatchOut:
    return ExampleMatchOut(
        text=neighbour.text, intent=neighbour.intent, similarity=neighbour.similarity
    )


def _item(item: MisunderstoodItem, titles: dict[str, str]) -> MisunderstoodOut:
    """An inbox item with the intents' titles beside their ids."""
    out = MisunderstoodOut.model_validate(item)
    out.intent_title = titles.get(out.intent) if out.intent else None
    if out.guesses:
        out.guesses = [
            {**g, "title": titles.get(str(g.get("intent")), str(g.get("intent")))}
            for g in out.guesses
        ]
    return out


@admin_router.get(
    "/misunderstood", response_model=list[MisunderstoodOut], responses=error_responses(422)
)
async def misunderstood(
    db: DatabaseDep,
    _admin: AdminUser,
    bot: BotDep,
    status_filter: Annotated[InboxStatusName | None, Query(alias="status")] = "new",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[MisunderstoodOut]:
    """Fallbacks, low-confidence answers, 👎 and confident answers to review (followed by
    a request for a human or the same question again, or sampled), newest first."""
    wanted = InboxStatus(status_filter) if status_filter else None
    items = await service.list_items(db, wanted, limit, offset)
    titles = bot.titles
    return [_item(item, titles) for item in items]


@admin_router.patch(
    "/misunderstood/{item_id}",
    response_model=MisunderstoodOut,
    responses=error_responses(404, 413, 422),
)
async def set_inbox_status(
    item_id: ItemId, body: InboxStatusIn, db: DatabaseDep, admin: AdminUser, bot: BotDep
) -> MisunderstoodOut:
    """``confirmed``: the bot's answer was right; ``dismissed``: nothing to do; ``new``:
    back to the inbox. (Teaching is ``POST …/teach``.)"""
    item = await service.set_status(db, item_id, InboxStatus(body.status), admin)
    return _item(item, bot.titles)


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
    return _item(item, keeper.bot.titles)


@admin_router.post(
    "/misunderstood/{item_id}/confirm",
    response_model=MisunderstoodOut,
    responses=error_responses(404),
)
async def confirm(
    item_id: ItemId, db: DatabaseDep, admin: AdminUser, bot: BotDep
) -> MisunderstoodOut:
    """The review's third ending: the bot's answer was right (status ``confirmed``; the
    same as ``PATCH {status: "confirmed"}``)."""
    item = await service.set_status(db, item_id, InboxStatus.CONFIRMED, admin)
    return _item(item, bot.titles)


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
    """The knowledge base's intents with their Russian titles (bounded by the KB)."""
    return [IntentOut(id=intent, title=title) for intent, title in bot.titles.items()]


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
