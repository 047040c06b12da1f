"""Skills plug into the bot by name: the engine knows only the registry's interface."""

from __future__ import annotations

import pytest

from sunsupport.bot import DialogueState, KnowledgeBot
from sunsupport.bot.kb import parse_knowledge_base
from sunsupport.bot.skills import (
    SkillAnswer,
    SkillTurn,
    get_skill,
    pending_id,
    register,
    skill_names,
)
from tests.support.bot import NOW

KB = """
intents:
  - id: count_letters
    skill: letters
    examples: [посчитай буквы, сколько букв в слове]
    answers: [не используется]
  - id: greeting
    examples: [привет, здравствуйте]
    answers: [Привет!]
"""


class LettersSkill:
    """Counts the letters of a word, asking for the word when there is none."""

    name = "letters"
    kept_memory = frozenset({"last_word"})

    def respond(self, turn: SkillTurn) -> SkillAnswer:
        asked = DialogueState(pending=pending_id(turn.intent_id, "word"))
        return SkillAnswer("Какое слово?", asked)

    def follow_up(self, turn: SkillTurn, new_topic: bool) -> SkillAnswer | None:
        if new_topic:
            return None
        word = turn.text.strip()
        return SkillAnswer(
            f"В слове {len(word)} букв", DialogueState(data={"last_word": word}), 1.0
        )


register(LettersSkill())


def test_a_registered_skill_answers_its_intent_and_its_follow_up() -> None:
    assert "letters" in skill_names() and "sun_times" in skill_names()
    bot = KnowledgeBot(parse_knowledge_base(KB))
    asked = bot.answer("посчитай буквы", DialogueState(), now=NOW)
    assert (asked.intent, asked.text) == ("count_letters", "Какое слово?")
    counted = bot.answer("солнце", asked.state, now=NOW)
    assert (counted.intent, counted.text, counted.confidence) == (
        "count_letters",
        "В слове 6 букв",
        1.0,
    )
    # the skill's memory survives another intent
    greeted = bot.answer("привет", counted.state, now=NOW)
    assert greeted.intent == "greeting" and greeted.state.data == {"last_word": "солнце"}


def test_a_new_question_is_not_taken_as_the_answer() -> None:
    bot = KnowledgeBot(parse_knowledge_base(KB))
    asked = bot.answer("посчитай буквы", DialogueState(), now=NOW)
    assert bot.answer("здравствуйте", asked.state, now=NOW).intent == "greeting"


def test_the_sun_skill_is_built_in_and_names_are_unique() -> None:
    assert get_skill("sun_times").name == "sun_times"
    with pytest.raises(ValueError, match="registered already"):
        register(LettersSkill())
