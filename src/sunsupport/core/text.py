"""What every string from a request goes through: no control characters anywhere, and
message-like texts that a person can actually see.

- ``CleanStr``: any string without control characters (NUL and the other C0/C1 codes;
  newline and tab are allowed) or unpaired surrogates. PostgreSQL refuses NUL outright,
  the logs and pages must never carry the others, and a lone surrogate (``"\\ud800"`` is
  valid JSON) cannot be encoded at all: the database driver or Argon2 would fail on it.
- ``Text``: a message, answer, comment or phrasing. Invisible format characters (zero
  width spaces, byte order marks; not the joiner inside emoji) are removed and the text
  trimmed *before* the length is checked; it must hold a visible character; a letter may
  carry at most four combining marks (no "a" under two thousand accents).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints

MAX_TEXT = 2000
"""The longest message, answer, canned reply or taught phrasing, in characters."""
MAX_COMBINING = 4

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JOINER = "\u200d"


def no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    if _SURROGATE.search(value):
        raise ValueError("must not contain unpaired surrogates")
    return value


def _tidy(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the str validator reports the type
    kept = "".join(ch for ch in value if ch == _JOINER or unicodedata.category(ch) != "Cf")
    return kept.strip()


def _check_text(value: str) -> str:
    no_control(value)
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in value):
        raise ValueError("must contain a visible character")
    run = 0
    for ch in value:
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me") else 0
        if run > MAX_COMBINING:
            raise ValueError("too many combining marks on one character")
    return value


CleanStr = Annotated[str, AfterValidator(no_control)]
Text = Annotated[
    str,
    BeforeValidator(_tidy),
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(_check_text),
]


def _absent_if_blank(value: Any) -> Any:
    return (_tidy(value) or None) if isinstance(value, str) else value


OptionalText = Annotated[Text | None, BeforeValidator(_absent_if_blank)]
"""An optional text: empty or invisible counts as absent."""


def _one_line(value: Any) -> Any:
    tidied = _tidy(value)
    return " ".join(tidied.split()) if isinstance(tidied, str) else tidied


ChatTitle = Annotated[
    str,
    BeforeValidator(_one_line),
    StringConstraints(min_length=1, max_length=80),
    AfterValidator(_check_text),
]
"""A chat's title: one visible line (whitespace runs, newlines included, become a space)."""
DisplayName = Annotated[
    str,
    BeforeValidator(_one_line),
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_check_text),
]
"""The name a staff member shows customers: one visible line."""
