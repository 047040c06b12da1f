"""Knowledge base validation: every broken file names its line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunsupport.bot import FALLBACK, DialogueState, load_bot, seed
from sunsupport.bot.kb import (
    DEFAULT_KB_PATH,
    KnowledgeBaseError,
    load_knowledge_base,
    parse_knowledge_base,
)

GOOD = """\
intents:
  - id: hello
    examples: [привет, здравствуйте]
    answers: [Привет!]
"""


def test_default_kb_is_valid_and_keeps_seed_replies() -> None:
    kb = load_knowledge_base(DEFAULT_KB_PATH)
    seeds = {
        "greeting": seed.GREETING,
        "weather": seed.WEATHER,
        "sun_eta": seed.SUN_ETA,
        "no_sun": seed.NO_SUN,
        "goodbye": seed.GOODBYE,
    }
    for intent_id, text in seeds.items():
        assert kb.intent(intent_id).answers == [text]


def test_custom_kb_gets_a_builtin_fallback(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(GOOD, encoding="utf-8")
    bot = load_bot(path)
    assert bot.intent_ids == ["hello", FALLBACK]
    assert bot.answer("Приииивет!", DialogueState()).intent == "hello"
    assert bot.answer("сколько стоит биткоин", DialogueState()).intent == FALLBACK


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("intents:\n  - id: a\n    examples: [x\n", 4, "YAML syntax error"),
        ("- just a list\n", 1, "must be a mapping"),
        ("intents: []\n", 1, "at least 1 item"),
        ("intents:\n  - id: a\n    examples: [x]\n", 2, "answers: Field required"),
        ("intents:\n  - id: a\n    examples: [x]\n    answers: []\n", 4, "answers"),
        ("intents:\n  - id: a\n    examples: [x]\n    answers: 5\n", 4, "valid list"),
        ("intents:\n  - id: a\n    examples: []\n    answers: [y]\n", 3, "needs examples"),
        ("intents:\n  - id: a\n    examples: ['  ']\n    answers: [y]\n", 3, "empty"),
        (
            GOOD + "  - id: hello\n    examples: [hi]\n    answers: [Hi]\n",
            5,
            "duplicate intent id 'hello'",
        ),
        ("intents:\n  - id: Bad Id\n    examples: [x]\n    answers: [y]\n", 2, "intents.0.id"),
        (GOOD + "    colour: red\n", 5, "Extra inputs"),
        (GOOD + "    skill: teleport\n", 5, "skill"),
        ("settings:\n  threshold: 2\n" + GOOD, 2, "settings.threshold"),
        (
            "intents:\n  - id: a\n    id: b\n    examples: [x]\n    answers: [y]\n",
            3,
            "duplicate key",
        ),
    ],
)
def test_broken_kb_reports_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base(text, "kb.yaml")
    error = caught.value
    assert error.line == line, str(error)
    assert reason in error.reason
    assert str(error).startswith(f"kb.yaml:{line}: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load_knowledge_base(tmp_path / "nope.yaml")


def test_failed_reload_leaves_the_running_bot_alone(tmp_path: Path) -> None:
    bot = load_bot()
    broken = tmp_path / "kb.yaml"
    broken.write_text("intents: [", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError):
        load_bot(broken)
    assert bot.answer("привет", DialogueState()).text == seed.GREETING


def test_every_quick_reply_leads_somewhere(bot) -> None:  # type: ignore[no-untyped-def]
    """Buttons send their text; each must be understood (not fall back)."""
    for intent in bot.kb.intents:
        for suggestion in intent.suggestions:
            reply = bot.answer(suggestion, DialogueState(data={"city": "Самара"}))
            assert reply.intent != FALLBACK, suggestion
        if intent.examples:
            assert bot.answer(intent.examples[0], DialogueState()).intent == intent.id


SEED_RULES = (Path(__file__).resolve().parents[2] / "../shared/seed/bot_rules.md").resolve()


@pytest.mark.skipif(not SEED_RULES.exists(), reason="shared/ must sit beside the repository")
def test_the_seed_replies_are_the_seeds_own_words() -> None:
    """The replies in seed.py, letter for letter as the seed's rules document gives them."""
    table = SEED_RULES.read_text(encoding="utf-8")
    for reply in (seed.GREETING, seed.WEATHER, seed.SUN_ETA, seed.NO_SUN, seed.GOODBYE):
        assert f"`{reply}`" in table, reply
    assert f"`{seed.NOT_UNDERSTOOD}`" in table


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Привет, когда будет солнце?", "greeting"),  # rule 1 wins, as in the seed
        ("какая сегодня погода", "weather"),
        ("скажите, когда будет солнце", "sun_eta"),
        ("почему нет солнца???", "no_sun"),
        ("ну пока", "goodbye"),
        ("когда солнце", "fallback"),  # the seed wants the whole phrase
    ],
)
def test_the_seed_rules_bot_follows_the_seeds_order(text: str, intent: str) -> None:
    assert seed.SeedRulesBot().answer(text, DialogueState()).intent == intent
