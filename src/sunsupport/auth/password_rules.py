"""What a new password must be: 8–128 characters, not the username (nor the username
reversed, nor containing it), and not one of the 20 000 most common passwords (the list
Django ships, vendored in ``data/`` with its licence, plus Russian-layout favourites).

Each broken rule is a distinct pydantic error type, so the pages can say it in Russian.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from pydantic_core import PydanticCustomError

DATA = Path(__file__).resolve().parents[1] / "data"
MIN_LENGTH, MAX_LENGTH = 8, 128


def check_password(password: str, username: str) -> None:
    """Raise :class:`PydanticCustomError` (a 422 field error) if ``password`` is weak."""
    folded = password.casefold()
    name = username.casefold()
    if name and (folded == name or folded == name[::-1] or name in folded):
        raise PydanticCustomError(
            "password_like_username", "The password must not contain the username"
        )
    if folded in common_passwords():
        raise PydanticCustomError(
            "password_too_common", "This password is too common; choose a less guessable one"
        )


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as lines:
        words = {line.strip() for line in lines}
    extra = (DATA / "common-passwords-ru.txt").read_text(encoding="utf-8").splitlines()
    words.update(line.strip() for line in extra if line and not line.startswith("#"))
    words.discard("")
    return frozenset(words)


def require_strong(password: str, username: str, *, field: str) -> None:
    """:func:`check_password` for a value validated outside a request model: the same
    422 field error, located at ``body.<field>``."""
    try:
        check_password(password, username)
    except PydanticCustomError as exc:
        raise field_error(field, exc.type, exc.message()) from exc


def field_error(field: str, error_type: str, message: str) -> Exception:
    """A 422 with the shape of a request validation error, for rules checked by services
    (they need the database, or the account): ``{"type", "loc": ["body", field], "msg"}``."""
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError([{"type": error_type, "loc": ("body", field), "msg": message}])
