"""Knowledge shapes: the misunderstood inbox, taught phrasings, intents, /bot/parse."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.core.text import Text

InboxStatusName = Literal["new", "resolved", "dismissed"]


class MisunderstoodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    reason: Literal["fallback", "low_confidence", "downvote"]
    intent: str | None
    confidence: float | None
    guesses: list[dict[str, Any]] | None
    status: InboxStatusName
    session_id: str | None
    message_id: int | None
    answer_id: int | None
    created_at: datetime
    resolved_at: datetime | None


class InboxStatusIn(BaseModel):
    status: InboxStatusName


class TeachIn(BaseModel):
    intent: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


class ExampleIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    intent: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
    text: Text


class ExampleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    intent: str
    text: str
    created_at: datetime


class IntentOut(BaseModel):
    id: str


class KbReloadOut(BaseModel):
    intents: int


class ParseIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: Text


class RankedOut(BaseModel):
    intent: str
    confidence: float


class ParseOut(BaseModel):
    intent: str
    confidence: float
    answer: str
    suggestions: list[str]
    ranking: list[RankedOut]
