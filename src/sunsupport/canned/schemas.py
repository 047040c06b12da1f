"""Canned replies: what admins write and what the operator console reads."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.core.text import Text


class CannedReplyIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    shortcut: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[\w-]+$")]
    text: Text


class CannedReplyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shortcut: str
    text: str
