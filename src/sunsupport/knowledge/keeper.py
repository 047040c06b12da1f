"""Keeps the running bot: builds it from the knowledge base plus the phrasings admins
taught (stored in the database), applies what other processes teach, and reloads the
knowledge base file without a restart, keeping the last good bot when the file is bad."""

from __future__ import annotations

import uuid
from pathlib import Path

from anyio import to_thread
from loguru import logger

from sunsupport.bot import KnowledgeBot, load_bot
from sunsupport.core.uow import Database
from sunsupport.knowledge import repository
from sunsupport.live.hub import SYSTEM_CHANNEL, Event, Hub

KB_EXAMPLE = "kb_example"
KB_RELOAD = "kb_reload"


class BotKeeper:
    def __init__(self, kb_path: Path | None, database: Database) -> None:
        self._kb_path = kb_path
        self._database = database
        self._bot: KnowledgeBot | None = None
        self.origin = uuid.uuid4().hex
        """Identifies this process in broadcast events."""

    @property
    def bot(self) -> KnowledgeBot:
        if self._bot is None:
            raise RuntimeError("the bot is not loaded yet")
        return self._bot

    async def load(self) -> KnowledgeBot:
        """Build a new bot and swap it in; on a bad file raise and keep the current one."""
        examples = await self._database.read(repository.all_examples)
        taught = [(e.intent, e.text) for e in examples]
        # Building the index is CPU work (a second or more for a large KB): off the loop.
        fresh = await to_thread.run_sync(_build, self._kb_path, taught)
        self._bot = fresh
        logger.info("knowledge base loaded: {} intents", len(fresh.intent_ids))
        return fresh

    def example_event(self, intent: str, text: str) -> Event:
        return {"type": KB_EXAMPLE, "intent": intent, "text": text, "origin": self.origin}

    def teach_now(self, intent: str, text: str) -> None:
        """Teach this process's bot synchronously (the change is already committed)."""
        try:
            self.bot.add_example(intent, text)
        except (KeyError, ValueError) as exc:  # an intent removed from the KB file since
            logger.warning("skipping taught example for {}: {}", intent, exc)

    def reload_event(self) -> Event:
        return {"type": KB_RELOAD, "origin": self.origin}

    async def follow(self, hub: Hub) -> None:
        """Apply what other processes teach or reload (this one applied its own already)."""
        async with hub.subscribe(SYSTEM_CHANNEL) as events:
            async for event in events:
                if event.get("origin") == self.origin:
                    continue
                if event.get("type") == KB_EXAMPLE:
                    # Rebuilding the index is CPU work: in a thread, swapped in atomically.
                    intent, text = str(event["intent"]), str(event["text"])
                    await to_thread.run_sync(self.teach_now, intent, text)
                elif event.get("type") == KB_RELOAD:
                    try:
                        await self.load()
                    except Exception as exc:  # keep the last good bot
                        logger.error("knowledge base reload failed: {}", exc)


def _build(kb_path: Path | None, taught: list[tuple[str, str]]) -> KnowledgeBot:
    bot = load_bot(kb_path)
    known = set(bot.intent_ids)
    bot.add_examples([(intent, text) for intent, text in taught if intent in known])
    return bot
