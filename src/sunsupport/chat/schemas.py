from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sunsupport.core.text import ChatTitle, OptionalText, Text

SessionId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: int
    created_date: datetime


SessionStatusName = Literal["bot", "pending_human", "open", "resolved"]


class SessionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_date: datetime
    title: str | None
    last_message_at: datetime | None
    status: SessionStatusName


class SessionListItem(SessionSummary):
    unread: int = Field(description="Operator replies and handover notes its owner has not seen")


class ReadOut(BaseModel):
    session_id: str
    read_message_id: int | None
    unread: Literal[0] = 0


class SessionDetail(SessionSummary):
    user_id: int
    assignee_id: int | None
    waiting_since: datetime | None
    resolved_at: datetime | None
    rating: int | None
    rating_comment: str | None


class FeedbackIn(BaseModel):
    value: Literal[1, -1]


class FeedbackOut(BaseModel):
    message_id: int
    value: Literal[1, -1]


class RatingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    rating: Annotated[int, Field(ge=1, le=5)]
    comment: OptionalText = None


class RatingOut(BaseModel):
    rating: int
    comment: str | None


class MessageIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    session_id: SessionId
    text: Text
    sender_type: Literal["user", "bot"] | None = Field(
        default=None, description='Omit or "user". Only the server writes bot messages.'
    )


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
    sender_type: Literal["user", "bot", "operator", "system"]
    text: str
    sent_at: datetime
    feedback: Literal[1, -1] | None = None
    author_name: str | None = Field(
        default=None, description="The operator's name on operator messages and system notes."
    )
    event: Literal["claimed", "released", "resolved"] | None = Field(
        default=None, description="On a system note: which change of hands it records."
    )
    suggestions: list[str] = Field(
        default_factory=list,
        description="On a bot answer: the quick replies offered with it; empty otherwise.",
    )

    @field_validator("suggestions", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        """Messages that offered nothing store NULL (all those from before the column)."""
        return [] if value is None else value


class SessionTitleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ChatTitle
