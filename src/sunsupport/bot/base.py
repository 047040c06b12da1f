"""The bot's small public interface: the web layer depends on this module only.

A bot is a pure object: no database, no HTTP. Whatever it must remember between
two messages of one conversation (a question it asked, a run of fallbacks) lives in
:class:`DialogueState`, which the caller stores with the chat session and passes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class DialogueState:
    """Per-conversation memory, serialisable to JSON via :meth:`to_dict`."""

    pending: str | None = None
    """Id of a question the bot asked and expects the next message to answer."""
    fallback_streak: int = 0
    """How many fallbacks in a row the bot has given."""
    data: dict[str, Any] = field(default_factory=dict)
    """Skill-specific memory (e.g. the date the user asked about)."""

    def to_dict(self) -> dict[str, Any]:
        return {"pending": self.pending, "fallback_streak": self.fallback_streak, "data": self.data}

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> DialogueState:
        if not raw:
            return cls()
        return cls(
            pending=raw.get("pending"),
            fallback_streak=int(raw.get("fallback_streak", 0)),
            data=dict(raw.get("data") or {}),
        )


@dataclass(frozen=True, slots=True)
class Ranked:
    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    intent: str
    confidence: float
    suggestions: tuple[str, ...] = ()
    state: DialogueState = field(default_factory=DialogueState)
    ranking: tuple[Ranked, ...] = ()
    clarification: bool = False
    """The bot could not choose between two intents and asks which one was meant;
    ``intent`` is then only its best guess, not something to act on."""


class Bot(Protocol):
    def answer(self, text: str, state: DialogueState, now: datetime | None = None) -> Reply:
        """Answer one user message. ``now`` (timezone-aware) defaults to the current time."""
        ...
