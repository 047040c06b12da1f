"""The knowledge-base bot: analyse → classify → policy → reply (+ skills).

The model is trained from the knowledge base's examples and the phrasings admins
taught (see :mod:`.training`); a phrasing taught by an admin is also remembered word
for word, so it is answered as taught at once, before any retraining.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from sunsupport.bot.analysis import Analysis, TextAnalyzer
from sunsupport.bot.base import FALLBACK, DialogueState, Ranked, Reply
from sunsupport.bot.classifier import Document, Match, Neighbour
from sunsupport.bot.kb import Intent, KnowledgeBase, load_knowledge_base
from sunsupport.bot.normalize import normalize, tokenize
from sunsupport.bot.policy import FOLLOW_UP_CONFIDENCE, answers_question_instead, decide
from sunsupport.bot.skills import SkillTurn, get_skill, pending_intent
from sunsupport.bot.skills.gazetteer import Gazetteer, default_gazetteer
from sunsupport.bot.training import Trained, train_or_load

RANKING_SIZE = 5


@dataclass(frozen=True, slots=True)
class IntentExplanation:
    intent: str
    title: str
    confidence: float
    examples: tuple[Neighbour, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the bot read a message as it did: the top intents with their scores and,
    for each, its training examples nearest to the message."""

    reply: Reply
    intents: tuple[IntentExplanation, ...]
    nearest: tuple[Neighbour, ...]
    """The nearest training examples of any intent."""
    taught: bool
    """The message is, word for word, a phrasing an admin taught."""


class KnowledgeBot:
    def __init__(
        self,
        kb: KnowledgeBase,
        gazetteer: Gazetteer | None = None,
        cache_dir: Path | None = None,
        taught: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.kb = kb.with_fallback()
        self.cache_dir = cache_dir
        self._intents = {intent.id: intent for intent in self.kb.intents}
        self._smalltalk = frozenset(i.id for i in self.kb.intents if i.smalltalk)
        self._thresholds = {i.id: i.threshold for i in self.kb.intents if i.threshold}
        self._analyzer = TextAnalyzer(gazetteer if gazetteer is not None else default_gazetteer())
        self._skills = {i.id: get_skill(i.skill) for i in self.kb.intents if i.skill}
        self._kept_memory = frozenset().union(*(s.kept_memory for s in self._skills.values()))
        self._lock = Lock()
        self._taught: dict[str, str] = {}
        self._taught_pairs: list[tuple[str, str]] = []
        self.remember(taught)
        self._trained = self._train()

    @property
    def intent_ids(self) -> list[str]:
        return list(self._intents)

    @property
    def titles(self) -> dict[str, str]:
        """Intent id → the Russian title people see (the id when the KB gives none)."""
        return {i.id: i.title or i.id for i in self.kb.intents}

    def is_smalltalk(self, intent_id: str) -> bool:
        return intent_id in self._smalltalk

    def has_skill(self, intent_id: str) -> bool:
        """Skill intents are asked again as a matter of course (another city, a date)."""
        return intent_id in self._skills

    @property
    def model_key(self) -> str:
        """The content hash of what the current model was trained from."""
        return self._trained.key

    # --- teaching ----------------------------------------------------------------------

    def remember(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Take taught phrasings: answered as taught at once (word for word), and used
        by the model from the next :meth:`retrain`. Cheap; no training here."""
        checked = []
        for intent_id, text in pairs:
            if intent_id not in self._intents:
                raise KeyError(f"unknown intent: {intent_id}")
            key = " ".join(tokenize(text))
            if not key:
                raise ValueError("an example needs at least one word")
            checked.append((intent_id, text, key))
        with self._lock:
            for intent_id, text, key in checked:
                self._taught[key] = intent_id
                self._taught_pairs.append((intent_id, text))

    def retrain(self) -> None:
        """Train on the KB and everything taught so far, then swap the model in (CPU
        work: the caller runs it off the event loop, never inside a transaction)."""
        trained = self._train()
        with self._lock:
            self._trained = trained

    def add_example(self, intent_id: str, text: str) -> None:
        """Teach a phrasing and retrain now (the library's one-step form)."""
        self.add_examples([(intent_id, text)])

    def add_examples(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.remember(pairs)
        self.retrain()

    def _train(self) -> Trained:
        with self._lock:
            taught = list(self._taught_pairs)
        examples = [(i.id, e) for i in self.kb.intents for e in i.examples] + taught
        return train_or_load(examples, self._analyzer, frozenset(self._smalltalk), self.cache_dir)

    # --- reading -----------------------------------------------------------------------

    def analyse(self, text: str) -> Analysis:
        return self._analyzer.analyse(text, self._trained.spelling)

    def rank(self, text: str, limit: int = RANKING_SIZE) -> list[Match]:
        return self._rank(self._trained, self.analyse(text), limit)

    def _rank(self, trained: Trained, analysis: Analysis, limit: int = RANKING_SIZE) -> list[Match]:
        if analysis.empty:
            return []
        taught = self._taught.get(" ".join(analysis.tokens))
        if taught is not None:
            return [Match(taught, 1.0)]
        vector = trained.model.vector(Document(analysis.chars, analysis.lemma_text))
        if vector.coverage < trained.min_coverage:
            return []  # letters the KB has never seen together: not a question to us
        return trained.model.rank(vector, limit)

    def explain(
        self, text: str, intents: int = 3, examples: int = 3, include_taught: bool = True
    ) -> Explanation:
        """The answer and the evidence behind it (for admins; costs more than answering).
        ``include_taught=False`` leaves out phrasings admins taught from conversations,
        which only staff may see."""
        reply = self.answer(text, DialogueState())
        trained = self._trained
        analysis = self.analyse(text)
        vector = trained.model.vector(Document(analysis.chars, analysis.lemma_text))
        with self._lock:
            hidden = set() if include_taught else {t for _, t in self._taught_pairs}

        def nearest(only: Sequence[str] = ()) -> tuple[Neighbour, ...]:
            found = trained.model.nearest(vector, examples + len(hidden), only)
            return tuple(n for n in found if n.text not in hidden)[:examples]

        titles = self.titles
        explained = tuple(
            IntentExplanation(
                r.intent, titles.get(r.intent, r.intent), r.confidence, nearest([r.intent])
            )
            for r in reply.ranking[:intents]
        )
        taught = include_taught and " ".join(analysis.tokens) in self._taught
        return Explanation(reply, explained, nearest(), taught)

    # --- answering ---------------------------------------------------------------------

    def answer(self, text: str, state: DialogueState, now: datetime | None = None) -> Reply:
        now = now or datetime.now(UTC)
        trained = self._trained
        analysis = self._analyzer.analyse(text, trained.spelling)
        ranking = self._rank(trained, analysis)

        asking = pending_intent(state.pending)
        if asking in self._skills:
            reply = self._follow_up(asking, text, analysis, ranking, state, now)
            if reply is not None:
                return reply
            state = DialogueState(fallback_streak=state.fallback_streak)

        if ranking and ranking[0].intent in self._smalltalk:
            ranking = self._question_behind_smalltalk(trained, analysis, ranking)

        settings = self.kb.settings
        decision = decide(ranking, settings, self._thresholds)
        ranked = tuple(Ranked(m.intent, round(m.score, 4)) for m in ranking)
        if decision.intent == FALLBACK:
            return self._fallback(text, state, decision.confidence, ranked)

        fresh = DialogueState(data=self._kept(state))
        if decision.alternative is not None:
            first, second = self._intents[decision.intent], self._intents[decision.alternative]
            return Reply(
                text=f"{settings.ambiguity_prefix} Выберите подходящий вариант "
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
        self, trained: Trained, analysis: Analysis, ranking: list[Match]
    ) -> list[Match]:
        """A greeting or thanks that carries a question ("Добрый день, какие тарифы?"):
        classify again without the words only small talk uses; keep the new reading
        only if it finds a confident real question."""
        remainder = trained.without_smalltalk(analysis)
        if remainder is None:
            return ranking
        candidates = self._rank(trained, remainder)
        if answers_question_instead(
            ranking, candidates, self._smalltalk, self.kb.settings, len(remainder.lemmas)
        ):
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


def load_bot(
    kb_path: Path | None = None,
    cache_dir: Path | None = None,
    taught: Iterable[tuple[str, str]] = (),
) -> KnowledgeBot:
    """Build a bot from a KB file (None = the packaged default). Always a new object,
    so a failed reload leaves the running bot untouched."""
    return KnowledgeBot(load_knowledge_base(kb_path), cache_dir=cache_dir, taught=taught)
