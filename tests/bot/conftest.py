from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sunsupport.bot import DialogueState, KnowledgeBot, Reply, load_bot

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SET = (REPO_ROOT / "../shared/eval/dev.jsonl").resolve()
HELD_OUT_SET = Path(__file__).resolve().parent / "heldout.jsonl"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def bot() -> KnowledgeBot:
    return load_bot()


def ask(bot: KnowledgeBot, text: str, state: DialogueState | None = None) -> Reply:
    return bot.answer(text, state or DialogueState(), now=NOW)
