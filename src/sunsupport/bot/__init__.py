"""The bot: a pure library built once at start-up from the knowledge base."""

from sunsupport.bot.base import FALLBACK, Bot, DialogueState, Ranked, Reply
from sunsupport.bot.engine import KnowledgeBot, load_bot

__all__ = ["FALLBACK", "Bot", "DialogueState", "KnowledgeBot", "Ranked", "Reply", "load_bot"]
