"""Asking the bot directly (no app, no database), and the data sets that measure it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sunsupport.bot import DialogueState, KnowledgeBot, Reply

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SET = (REPO_ROOT / "../shared/eval/dev.jsonl").resolve()
HELD_OUT_SET = REPO_ROOT / "tests" / "bot" / "heldout.jsonl"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
"""A fixed "now" (a Monday morning), so answers about today and tomorrow repeat."""


def ask(bot: KnowledgeBot, text: str, state: DialogueState | None = None) -> Reply:
    return bot.answer(text, state or DialogueState(), now=NOW)
