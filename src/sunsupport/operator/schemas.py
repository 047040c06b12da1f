from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.chat.schemas import SessionStatusName
from sunsupport.core.text import Text


class QueueItem(BaseModel):
    id: str
    user_id: int
    username: str
    display_name: str
    email: str | None
    visitor: bool = Field(description="A visitor from the widget, not a registered user")
    status: SessionStatusName
    assignee_id: int | None
    title: str | None
    waiting_since: datetime | None
    last_message_at: datetime | None


class OperatorMessageIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: Text


class OperatorMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    session_id: str
    sender_type: str
    text: str
    sent_at: datetime
    author_name: str | None
