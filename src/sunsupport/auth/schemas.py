from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

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
    role: Literal["user", "operator", "admin", "visitor"]
    display_name: str = Field(description="The name people see; the username unless set")
    email: str | None


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class ProfileIn(BaseModel):
    """Only the fields sent change; ``email: null`` (or empty) removes the address,
    ``display_name: null`` goes back to the username."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    email: Annotated[EmailStr | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, max_length=254
    )


class VisitorTokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    username: str
    display_name: str


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
