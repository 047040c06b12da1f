from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.chat.schemas import MAX_TEXT

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
    intent: Annotated[str, Field(min_length=1, max_length=64)]


class ExampleIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    intent: Annotated[str, Field(min_length=1, max_length=64)]
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


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


class CannedReplyIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    shortcut: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[\w-]+$")]
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class IntentCount(BaseModel):
    intent: str
    count: int


class DailyPoint(BaseModel):
    day: date
    messages: int
    operator_messages: int


class StatsOut(BaseModel):
    range_from: datetime = Field(serialization_alias="from")
    range_to: datetime = Field(serialization_alias="to")
    conversations: int
    messages: int
    user_messages: int
    bot_messages: int
    operator_messages: int
    fallback_rate: float | None
    handoff_rate: float | None
    self_service_rate: float | None
    median_first_response_seconds: float | None
    thumbs_up: int
    thumbs_down: int
    average_rating: float | None
    ratings: int
    top_intents: list[IntentCount]
    daily: list[DailyPoint]
