from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
)

from sunsupport.auth.password_rules import MAX_LENGTH, MIN_LENGTH, check_password
from sunsupport.core.text import CleanStr, DisplayName
from sunsupport.core.usernames import normalise


def _nfkc(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


Username = Annotated[
    str,
    BeforeValidator(_nfkc),
    Field(min_length=4, max_length=20, pattern=r"^[\w.\-]+$"),
]
"""NFKC-normalised first (``ａｄｍｉｎ`` is ``admin``). Letters of one script are checked
by the service, after the look-alike check: ``аdmin1`` beside ``admin1`` is a 409."""
Password = Annotated[CleanStr, Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: Password

    @field_validator("password")
    @classmethod
    def _strong(cls, password: str, info: ValidationInfo) -> str:
        check_password(password, info.data.get("username", ""))
        return password


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[CleanStr, Field(min_length=1, max_length=MAX_LENGTH)]
    new_password: Password


class PasswordConfirmIn(BaseModel):
    """A destructive request repeats the password (a stolen token alone is not enough);
    a visitor, who has none, sends ``{}``."""

    model_config = ConfigDict(extra="forbid")

    password: Annotated[CleanStr, Field(min_length=1, max_length=MAX_LENGTH)] | None = None


class EmailLinkIn(BaseModel):
    """The sign-in key from a reply email's link (its ``key`` parameter)."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(min_length=1, max_length=2048)]


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
