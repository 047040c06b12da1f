"""`POST /bot/parse`: how the bot reads a text, for people editing the knowledge base."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from sunsupport.auth.deps import CurrentUser
from sunsupport.bot import DialogueState
from sunsupport.chat.schemas import MAX_TEXT
from sunsupport.deps import BotDep
from sunsupport.errors import error_responses

router = APIRouter(prefix="/bot", tags=["bot"])


class ParseIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class RankedOut(BaseModel):
    intent: str
    confidence: float


class ParseOut(BaseModel):
    intent: str
    confidence: float
    answer: str
    suggestions: list[str]
    ranking: list[RankedOut]


@router.post("/parse", response_model=ParseOut, responses=error_responses(401, 413, 422))
async def parse(body: ParseIn, bot: BotDep, _user: CurrentUser) -> ParseOut:
    """The bot's reading of ``text`` as a fresh conversation. Nothing is stored."""
    reply = await to_thread.run_sync(bot.answer, body.text, DialogueState())
    return ParseOut(
        intent=reply.intent,
        confidence=round(reply.confidence, 4),
        answer=reply.text,
        suggestions=list(reply.suggestions),
        ranking=[
            RankedOut(intent=r.intent, confidence=round(r.confidence, 4)) for r in reply.ranking
        ],
    )
