"""The shape of "download my data": everything the user wrote or was told, nothing of
the staff's internals (the bot's guesses, the inbox, who of the staff answered)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ExportedAccount(BaseModel):
    username: str
    role: str = Field(description="user, visitor, operator or admin")
    created: datetime
    display_name: str | None = Field(description="the name you chose to be shown, if any")
    email: str | None = Field(description="where replies are emailed, if you gave one")


class ExportedMessage(BaseModel):
    sender: str = Field(description="user, bot or operator")
    text: str
    time: datetime
    feedback: int | None = Field(description="your 👍 (1) or 👎 (-1) on a bot answer")


class ExportedRating(BaseModel):
    chat_id: str
    rating: int
    comment: str | None


class ExportedChat(BaseModel):
    id: str
    title: str | None
    created: datetime
    status: str
    rating: int | None
    rating_comment: str | None
    messages: list[ExportedMessage]


class ExportOut(BaseModel):
    exported_at: datetime
    account: ExportedAccount
    chats: list[ExportedChat]
    ratings: list[ExportedRating]
