"""Support statistics as the admin page reads them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class IntentCount(BaseModel):
    intent: str
    title: str
    """The intent's Russian title (the id for an intent no longer in the knowledge base)."""
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
