from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT = 2000
SessionId = Annotated[str, Field(min_length=1, max_length=64)]


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: int
    created_date: datetime


class SessionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_date: datetime
    title: str | None
    last_message_at: datetime | None


class MessageIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    session_id: SessionId
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    sender_type: Literal["user", "bot"] | None = Field(
        default=None, description='Omit or "user". Only the server writes bot messages.'
    )

    @field_validator("text")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        return value


class MessagePosted(BaseModel):
    answer: str | None
    intent: str | None
    confidence: float | None
    suggestions: list[str]
    message_id: int
    answer_id: int | None


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sender_type: Literal["user", "bot", "operator"]
    text: str
    sent_at: datetime
