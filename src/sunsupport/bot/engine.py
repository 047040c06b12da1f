"""The knowledge-base bot: analyse → rank through the index → policy → reply (+ skills)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from sunsupport.bot.analysis import CITY_TERM, Analysis, TextAnalyzer
from sunsupport.bot.base import FALLBACK, DialogueState, Ranked, Reply
from sunsupport.bot.index import ExampleIndex, Match
from sunsupport.bot.kb import Intent, KnowledgeBase, load_knowledge_base
from sunsupport.bot.normalize import normalize, tokenize
from sunsupport.bot.policy import FOLLOW_UP_CONFIDENCE, answers_question_instead, decide
from sunsupport.bot.skills import SkillTurn, get_skill, pending_intent
from sunsupport.bot.skills.gazetteer import Gazetteer, default_gazetteer
from sunsupport.bot.spelling import SpellingIndex

RANKING_SIZE = 5


@dataclass(frozen=True, slots=True)
class _Model:
    """Everything derived from the examples; rebuilt as a whole and swapped atomically."""

    index: ExampleIndex
    spelling: SpellingIndex
    smalltalk_only: frozenset[str]
    """Terms used only by small-talk intents (привет, спасибо, добрый…)."""


class KnowledgeBot:
    def __init__(self, kb: KnowledgeBase, gazetteer: Gazetteer | None = None) -> None:
        self.kb = kb.with_fallback()
        self._intents = {intent.id: intent for intent in self.kb.intents}
        self._examples = {intent.id: list(intent.examples) for intent in self.kb.intents}
        self._smalltalk = frozenset(i.id for i in self.kb.intents if i.smalltalk)
        self._thresholds = {i.id: i.threshold for i in self.kb.intents if i.threshold}
        self._analyzer = TextAnalyzer(gazetteer if gazetteer is not None else default_gazetteer())
        self._skills = {i.id: get_skill(i.skill) for i in self.kb.intents if i.skill}
        self._kept_memory = frozenset().union(*(s.kept_memory for s in self._skills.values()))
        self._lock = Lock()
        self._example_cache: dict[str, tuple[list[str], dict[str, float]]] = {}
        self._model = self._build_model()

    @property
    def intent_ids(self) -> list[str]:
        return list(self._intents)

    def add_example(self, intent_id: str, text: str) -> None:
        """Teach a new phrasing; it takes effect for the next message."""
        self.add_examples([(intent_id, text)])

    def add_examples(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Teach several phrasings with a single index rebuild (e.g. at start-up)."""
        pairs = list(pairs)
        for intent_id, text in pairs:
            if intent_id not in self._intents:
                raise KeyError(f"unknown intent: {intent_id}")
            if not normalize(text):
                raise ValueError("an example needs at least one word")
        with self._lock:
            for intent_id, text in pairs:
                self._examples[intent_id].append(text)
            self._model = self._build_model()

    def _analysed_example(self, text: str) -> tuple[list[str], dict[str, float]]:
        """Tokens and terms of a KB example, cached so a rebuild only analyses new ones."""
        cached = self._example_cache.get(text)
        if cached is None:
            cached = (tokenize(text), self._analyzer.analyse(text).terms)
            self._example_cache[text] = cached
        return cached

    def _build_model(self) -> _Model:
        frequency: dict[str, int] = {}
        rows: list[tuple[str, dict[str, float]]] = []
        owners: dict[str, set[str]] = {}
        for intent_id, examples in self._examples.items():
            for example in examples:
                tokens, terms = self._analysed_example(example)
                for token in tokens:
                    frequency[token] = frequency.get(token, 0) + 1
                rows.append((intent_id, terms))
                for term in terms:
                    owners.setdefault(term, set()).add(intent_id)
        smalltalk_only = frozenset(
            term for term, ids in owners.items() if ids <= self._smalltalk and term != CITY_TERM
        )
        spelling = SpellingIndex(frequency, frequency)
        return _Model(ExampleIndex(rows), spelling, smalltalk_only)

    # --- answering -------------------------------------------------------------------

    def rank(self, text: str) -> list[Match]:
        model = self._model
        return model.index.search(self._analyzer.analyse(text, model.spelling).terms)

    def answer(self, text: str, state: DialogueState, now: datetime | None = None) -> Reply:
        now = now or datetime.now(UTC)
        model = self._model
        analysis = self._analyzer.analyse(text, model.spelling)
        ranking = model.index.search(analysis.terms, RANKING_SIZE)

        asking = pending_intent(state.pending)
        if asking in self._skills:
            reply = self._follow_up(asking, text, analysis, ranking, state, now)
            if reply is not None:
                return reply
            state = DialogueState(fallback_streak=state.fallback_streak)

        if ranking and ranking[0].intent in self._smalltalk:
            ranking = self._question_behind_smalltalk(model, analysis, ranking)

        decision = decide(ranking, self.kb.settings, self._thresholds)
        ranked = tuple(Ranked(m.intent, round(m.score, 4)) for m in ranking)
        if decision.intent == FALLBACK:
            return self._fallback(text, state, decision.confidence, ranked)

        fresh = DialogueState(data=self._kept(state))
        if decision.alternative is not None:
            first, second = self._intents[decision.intent], self._intents[decision.alternative]
            return Reply(
                text=f"{self.kb.settings.ambiguity_prefix} Выберите подходящий вариант "
                "или задайте вопрос по-другому.",
                intent=decision.intent,
                confidence=round(decision.confidence, 4),
                suggestions=(_representative(first), _representative(second)),
                state=fresh,
                ranking=ranked,
                clarification=True,
            )
        intent = self._intents[decision.intent]
        skill = self._skills.get(intent.id)
        if skill is not None:
            done = skill.respond(SkillTurn(intent.id, text, analysis.cities, fresh, now))
            return Reply(
                text=done.text,
                intent=intent.id,
                confidence=round(decision.confidence, 4),
                suggestions=tuple(intent.suggestions),
                state=done.state,
                ranking=ranked,
            )
        return Reply(
            text=_pick(intent.answers, text),
            intent=intent.id,
            confidence=round(decision.confidence, 4),
            suggestions=tuple(intent.suggestions),
            state=fresh,
            ranking=ranked,
        )

    def _question_behind_smalltalk(
        self, model: _Model, analysis: Analysis, ranking: list[Match]
    ) -> list[Match]:
        """Rank again without the words the small-talk match explains; keep the new
        ranking only if it finds a confident real question."""
        top = ranking[0]
        explained = model.index.example_terms(top.example) if top.example >= 0 else {}
        remainder = {
            t: w
            for t, w in analysis.terms.items()
            if t not in model.smalltalk_only and t not in explained
        }
        if not remainder or not any(w == 1.0 for w in remainder.values()):
            return ranking
        candidates = model.index.search(remainder, RANKING_SIZE)
        lemmas = sum(1 for w in remainder.values() if w == 1.0)
        if answers_question_instead(ranking, candidates, self._smalltalk, self.kb.settings, lemmas):
            return candidates
        return ranking

    def _follow_up(
        self,
        intent_id: str,
        text: str,
        analysis: Analysis,
        ranking: list[Match],
        state: DialogueState,
        now: datetime,
    ) -> Reply | None:
        """A skill asked a question: let it take this message as the answer, unless it
        gives the message back (then None: answer it normally)."""
        ranked = tuple(Ranked(m.intent, round(m.score, 4)) for m in ranking)
        top = ranking[0] if ranking else None
        new_topic = (
            top is not None
            and top.score >= FOLLOW_UP_CONFIDENCE
            and top.intent not in (intent_id, FALLBACK)
        )
        turn = SkillTurn(intent_id, text, analysis.cities, state, now)
        done = self._skills[intent_id].follow_up(turn, new_topic)
        if done is None:
            return None
        confidence = done.confidence if done.confidence is not None else 0.0
        return Reply(done.text, intent_id, confidence, state=done.state, ranking=ranked)

    def _kept(self, state: DialogueState) -> dict[str, Any]:
        """Long-lived skill memory survives other intents (the last city asked about)."""
        return {k: v for k, v in state.data.items() if k in self._kept_memory}

    def _fallback(
        self, text: str, state: DialogueState, confidence: float, ranked: tuple[Ranked, ...]
    ) -> Reply:
        streak = state.fallback_streak + 1
        suggestions = (self.kb.settings.operator_suggestion,) if streak >= 2 else ()
        return Reply(
            text=_pick(self._intents[FALLBACK].answers, text),
            intent=FALLBACK,
            confidence=confidence,
            suggestions=suggestions,
            state=DialogueState(fallback_streak=streak, data=self._kept(state)),
            ranking=ranked,
        )


def _pick(answers: list[str], text: str) -> str:
    """A stable but varied choice: the same message always gets the same variant."""
    return answers[zlib.crc32(normalize(text).encode()) % len(answers)]


def _representative(intent: Intent) -> str:
    """The phrasing offered as a quick reply: the KB author's first example."""
    return intent.examples[0] if intent.examples else intent.id


def load_bot(kb_path: Path | None = None) -> KnowledgeBot:
    """Build a bot from a KB file (None = the packaged default). Always a new object,
    so a failed reload leaves the running bot untouched."""
    return KnowledgeBot(load_knowledge_base(kb_path))
