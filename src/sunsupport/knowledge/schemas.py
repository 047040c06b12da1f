"""Knowledge shapes: the misunderstood inbox, taught phrasings, intents, /bot/parse."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sunsupport.core.text import Text

InboxStatusName = Literal["new", "resolved", "dismissed", "confirmed"]
"""``resolved``: taught; ``confirmed``: reviewed, the bot's answer was right."""
InboxReasonName = Literal[
    "fallback", "low_confidence", "downvote", "asked_human", "rephrased", "sampled"
]


class MisunderstoodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    reason: InboxReasonName
    intent: str | None
    intent_title: str | None = None
    """The intent's Russian title (what admins read instead of the id)."""
    confidence: float | None
    guesses: list[dict[str, Any]] | None
    status: InboxStatusName
    session_id: str | None
    message_id: int | None
    answer_id: int | None
    created_at: datetime
    resolved_at: datetime | None


class InboxStatusIn(BaseModel):
    status: InboxStatusName


class TeachIn(BaseModel):
    intent: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


class ExampleIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    intent: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
    text: Text


class ExampleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    intent: str
    text: str
    created_at: datetime


class IntentOut(BaseModel):
    id: str
    title: str


class KbReloadOut(BaseModel):
    intents: int


class ParseIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: Text
    explain: bool = False
    """Also return why: the top intents with scores and the nearest training examples."""


class RankedOut(BaseModel):
    intent: str
    confidence: float


class ExampleMatchOut(BaseModel):
    text: str
    intent: str
    similarity: float
    """Cosine similarity of the features, 0–1."""


class ExplainedIntentOut(BaseModel):
    intent: str
    title: str
    confidence: float
    examples: list[ExampleMatchOut]
    """This intent's training examples nearest to the text."""


class ExplanationOut(BaseModel):
    intents: list[ExplainedIntentOut]
    nearest: list[ExampleMatchOut]
    """The nearest training examples of any intent."""
    taught: bool
    """The text is, word for word, a phrasing an admin taught (answered as taught)."""


class ParseOut(BaseModel):
    intent: str
    confidence: float
    answer: str
    suggestions: list[str]
    ranking: list[RankedOut]
    explain: ExplanationOut | None = None
