from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.core.text import CleanStr, DisplayName

Username = Annotated[str, Field(min_length=4, max_length=20, pattern=r"^[\w.\-]+$")]
Password = Annotated[CleanStr, Field(min_length=8, max_length=128)]


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: Password


class LoginIn(BaseModel):
    """Login accepts any string lengths: a wrong guess is a 401, not a hint about the rules."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[CleanStr, Field(min_length=1, max_length=128)]
    password: Annotated[CleanStr, Field(min_length=1, max_length=128)]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class MeOut(UserOut):
    role: Literal["user", "operator", "admin"]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Literal["operator", "admin"]
    display_name: str | None = Field(description="Shown to customers; null: the username")


class StaffNameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = Field(description="1–64 characters; null: the username")
