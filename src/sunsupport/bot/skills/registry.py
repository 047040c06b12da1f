"""How skills plug into the bot: by name, through a registry.

A knowledge-base intent names its skill (``skill: sun_times``); the engine looks the
name up here and never knows what a particular skill does. A skill may ask the user a
question; the engine then routes the next message back to it (:meth:`Skill.follow_up`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sunsupport.bot.base import DialogueState
from sunsupport.bot.skills.gazetteer import CityMatch


@dataclass(frozen=True, slots=True)
class SkillTurn:
    """One user message, as a skill sees it."""

    intent_id: str
    """The knowledge-base intent that uses the skill."""
    text: str
    cities: list[CityMatch]
    """Cities the analyser found in the message."""
    state: DialogueState
    now: datetime


@dataclass(frozen=True, slots=True)
class SkillAnswer:
    text: str
    state: DialogueState
    confidence: float | None = None
    """For follow-ups: how sure the skill is that the message answered its question
    (None: the intent's own confidence applies)."""


class Skill(Protocol):
    name: str
    kept_memory: frozenset[str]
    """Keys of ``DialogueState.data`` that outlive other intents (the last city)."""

    def respond(self, turn: SkillTurn) -> SkillAnswer:
        """Answer a message classified as the skill's intent."""
        ...

    def follow_up(self, turn: SkillTurn, new_topic: bool) -> SkillAnswer | None:
        """Take the message as the answer to the skill's pending question, or return None
        to let the bot answer it normally. ``new_topic``: the message confidently reads
        as another intent."""
        ...


_SKILLS: dict[str, Skill] = {}


def register(skill: Skill) -> Skill:
    if skill.name in _SKILLS and _SKILLS[skill.name] is not skill:
        raise ValueError(f"a skill named {skill.name!r} is registered already")
    _SKILLS[skill.name] = skill
    return skill


def get_skill(name: str) -> Skill:
    return _SKILLS[name]


def skill_names() -> frozenset[str]:
    return frozenset(_SKILLS)


def pending_id(intent_id: str, question: str) -> str:
    """The ``DialogueState.pending`` of a question asked by an intent's skill."""
    return f"{intent_id}:{question}"


def pending_intent(pending: str | None) -> str | None:
    """The intent whose skill asked the pending question, if any."""
    return pending.split(":", 1)[0] if pending and ":" in pending else None
