"""The knowledge base file: YAML validated with pydantic, errors pointing at a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sunsupport.bot.base import FALLBACK
from sunsupport.bot.skills import skill_names

DEFAULT_KB_PATH = Path(__file__).resolve().parent.parent / "data" / "kb.yaml"


def default_kb_path() -> Path:
    """The knowledge base shipped with the package."""
    return DEFAULT_KB_PATH


DEFAULT_FALLBACK_ANSWER = (
    "Кажется, я не понял вопрос. Попробуйте сказать иначе — или позовите оператора, "
    "живые люди разбираются в Солнце не хуже меня."
)


FALLBACK_TITLE = "Не по теме"


class KnowledgeBaseError(Exception):
    """A knowledge base file that cannot be used; the message names file, line and reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


def _non_blank(values: list[str], what: str) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError(f"{what} must not contain empty strings")
    return cleaned


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    title: str | None = Field(default=None, min_length=1, max_length=80)
    """What people see instead of the id (admin inbox, teach menu, statistics)."""
    examples: list[str] = Field(default_factory=list)
    answers: list[str] = Field(min_length=1)
    suggestions: list[str] = Field(default_factory=list)
    skill: str | None = None
    """The name of a registered skill that computes the answer (``sun_times``)."""
    smalltalk: bool = False
    """Greetings, thanks, goodbyes: a real question in the same message wins over them."""
    threshold: float | None = Field(default=None, gt=0, lt=1)
    """A stricter confidence for this intent than the global one, for intents whose
    answer costs something (handing the conversation to a human)."""
    description: str | None = None

    @field_validator("skill")
    @classmethod
    def _known_skill(cls, name: str | None) -> str | None:
        known = skill_names()
        if name is not None and name not in known:
            raise ValueError(f"unknown skill '{name}' (known: {', '.join(sorted(known))})")
        return name

    @field_validator("examples", "answers", "suggestions")
    @classmethod
    def _no_blanks(cls, values: list[str]) -> list[str]:
        return _non_blank(values, "items")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(default=0.5, gt=0, lt=1)
    """Below this confidence the bot falls back."""
    ambiguity_margin: float = Field(default=0.05, ge=0, lt=1)
    """Top two intents closer than this are offered to the user as a choice."""
    fallback_margin: float = Field(default=0.0, ge=0, lt=1)
    """An intent this close to an out-of-scope ("fallback") example loses to it."""
    operator_suggestion: str = "Позвать оператора"
    ambiguity_prefix: str = "Возможно, вы имели в виду…"
    handoff_intent: str | None = "operator"
    """The intent that asks for a human. When a message is ambiguous between it and
    another intent, it wins: a person who asked for a human is not asked to choose."""


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    settings: Settings = Field(default_factory=Settings)
    intents: list[Intent] = Field(min_length=1)

    def intent(self, intent_id: str) -> Intent:
        return self._by_id()[intent_id]

    def _by_id(self) -> dict[str, Intent]:
        return {i.id: i for i in self.intents}

    def with_fallback(self) -> KnowledgeBase:
        """This KB, with a built-in fallback intent when the file defines none."""
        if any(i.id == FALLBACK for i in self.intents):
            return self
        fallback = Intent(id=FALLBACK, title=FALLBACK_TITLE, answers=[DEFAULT_FALLBACK_ANSWER])
        return self.model_copy(update={"intents": [*self.intents, fallback]})


def _check_examples(kb: KnowledgeBase) -> None:
    for position, intent in enumerate(kb.intents):
        if not intent.examples and intent.id != FALLBACK:
            raise _LocatedError(("intents", position, "examples"), "an intent needs examples")


class _LocatedError(Exception):
    def __init__(self, loc: tuple[Any, ...], reason: str) -> None:
        self.loc = loc
        self.reason = reason


def _line_map(node: yaml.Node, path: Path) -> dict[tuple[Any, ...], int]:
    """Map every key path (as pydantic reports it) to its 1-based line in the file."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node, loc: tuple[Any, ...]) -> None:
        lines[loc] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in n.value:
                key = key_node.value
                if key in seen:
                    raise KnowledgeBaseError(
                        path, f"duplicate key '{key}'", key_node.start_mark.line + 1
                    )
                seen.add(key)
                walk(value_node, (*loc, key))
                lines[(*loc, key)] = key_node.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                walk(item, (*loc, index))

    walk(node, ())
    return lines


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def parse_knowledge_base(text: str, path: Path | str = "<string>") -> KnowledgeBase:
    """Validate KB text; raise :class:`KnowledgeBaseError` with the first problem found."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise KnowledgeBaseError(path, f"YAML syntax error: {exc.problem}", line) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(path, f"YAML error: {exc}") from exc
    if node is None or not isinstance(raw, dict):
        raise KnowledgeBaseError(path, "the file must be a mapping with an 'intents' list", 1)
    lines = _line_map(node, Path(path))
    try:
        kb = KnowledgeBase.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "<root>"
        raise KnowledgeBaseError(path, f"{field}: {first['msg']}", _line_for(lines, loc)) from exc
    try:
        _check_examples(kb)
        _check_unique_ids(kb)
    except _LocatedError as exc:
        raise KnowledgeBaseError(path, exc.reason, _line_for(lines, exc.loc)) from exc
    return kb.with_fallback()


def _check_unique_ids(kb: KnowledgeBase) -> None:
    seen: set[str] = set()
    for position, intent in enumerate(kb.intents):
        if intent.id in seen:
            raise _LocatedError(("intents", position, "id"), f"duplicate intent id '{intent.id}'")
        seen.add(intent.id)


def load_knowledge_base(path: Path | None = None) -> KnowledgeBase:
    """Read and validate a KB file (None = the packaged default)."""
    path = Path(path) if path is not None else DEFAULT_KB_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(path, f"cannot read the file: {exc}") from exc
    return parse_knowledge_base(text, path)
