"""Keeps the running bot: builds it from the knowledge base plus the phrasings admins
taught (stored in the database), applies what other processes teach, and reloads the
knowledge base file without a restart, keeping the last good bot when the file is bad."""

from __future__ import annotations

import uuid
from pathlib import Path

from anyio import to_thread
from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sunsupport.bot import KnowledgeBot, load_bot
from sunsupport.db import session_scope
from sunsupport.inbox import service as inbox
from sunsupport.live.hub import SYSTEM_CHANNEL, Event, Hub

KB_EXAMPLE = "kb_example"
KB_RELOAD = "kb_reload"


class BotKeeper:
    def __init__(self, kb_path: Path | None, factory: async_sessionmaker[AsyncSession]) -> None:
        self._kb_path = kb_path
        self._factory = factory
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
        fresh = await to_thread.run_sync(load_bot, self._kb_path)
        async with session_scope(self._factory) as session:
            taught = await inbox.all_examples(session)
        known = set(fresh.intent_ids)
        fresh.add_examples([(e.intent, e.text) for e in taught if e.intent in known])
        self._bot = fresh
        logger.info("knowledge base loaded: {} intents", len(fresh.intent_ids))
        return fresh

    def reload_event(self) -> Event:
        return {"type": KB_RELOAD, "origin": self.origin}

    async def follow(self, hub: Hub) -> None:
        """Apply what any process (this one included) teaches, and reloads elsewhere."""
        async with hub.subscribe(SYSTEM_CHANNEL) as events:
            async for event in events:
                if event.get("type") == KB_EXAMPLE:
                    self._teach(str(event["intent"]), str(event["text"]))
                elif event.get("type") == KB_RELOAD and event.get("origin") != self.origin:
                    try:
                        await self.load()
                    except Exception as exc:  # keep the last good bot
                        logger.error("knowledge base reload failed: {}", exc)

    def _teach(self, intent: str, text: str) -> None:
        try:
            self.bot.add_example(intent, text)
        except (KeyError, ValueError) as exc:  # an intent removed from the KB file since
            logger.warning("skipping taught example for {}: {}", intent, exc)
