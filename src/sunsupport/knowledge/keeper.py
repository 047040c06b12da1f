"""Keeps the running bot: builds it from the knowledge base plus the phrasings admins
taught (stored in the database), applies what other processes teach, and reloads the
knowledge base file without a restart, keeping the last good bot when the file is bad.

Training is CPU work (about a second): it runs in a thread, never on the event loop,
inside a transaction or under a lock a request waits for. A taught phrasing is
answered as taught at once; the model that generalises from it is retrained in the
background (several teachings in a row share one retraining) and swapped in whole.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from anyio import to_thread
from loguru import logger

from sunsupport.bot import KnowledgeBot
from sunsupport.bot.kb import load_knowledge_base
from sunsupport.core.uow import Database
from sunsupport.knowledge import repository
from sunsupport.live.hub import SYSTEM_CHANNEL, Event, Hub

KB_EXAMPLE = "kb_example"
KB_RELOAD = "kb_reload"


class BotKeeper:
    def __init__(
        self, kb_path: Path | None, database: Database, cache_dir: Path | None = None
    ) -> None:
        self._kb_path = kb_path
        self._database = database
        self._cache_dir = cache_dir
        self._bot: KnowledgeBot | None = None
        self._retraining: asyncio.Task[None] | None = None
        self._retrain_again = False
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
        fresh = await to_thread.run_sync(_build, self._kb_path, taught, self._cache_dir)
        self._bot = fresh
        logger.info("knowledge base loaded: {} intents", len(fresh.intent_ids))
        return fresh

    def example_event(self, intent: str, text: str) -> Event:
        return {"type": KB_EXAMPLE, "intent": intent, "text": text, "origin": self.origin}

    def teach_now(self, intent: str, text: str) -> None:
        """Teach this process's bot (the change is already committed): the phrasing is
        answered as taught from now on, and the model retrains in the background."""
        try:
            self.bot.remember([(intent, text)])
        except (KeyError, ValueError) as exc:  # an intent removed from the KB file since
            logger.warning("skipping taught example for {}: {}", intent, exc)
            return
        self._schedule_retraining()

    def _schedule_retraining(self) -> None:
        if self._retraining is not None and not self._retraining.done():
            self._retrain_again = True
            return
        self._retraining = asyncio.get_running_loop().create_task(self._retrain())

    async def _retrain(self) -> None:
        while True:
            self._retrain_again = False
            try:
                await to_thread.run_sync(self.bot.retrain)
            except Exception:  # the last model keeps answering
                logger.exception("retraining the bot failed")
            if not self._retrain_again:
                return

    async def settled(self) -> None:
        """Wait until background retraining is done (shutdown, tests)."""
        while self._retraining is not None and not self._retraining.done():
            await asyncio.shield(self._retraining)

    def reload_event(self) -> Event:
        return {"type": KB_RELOAD, "origin": self.origin}

    async def follow(self, hub: Hub) -> None:
        """Apply what other processes teach or reload (this one applied its own already)."""
        async with hub.subscribe(SYSTEM_CHANNEL) as events:
            async for event in events:
                if event.get("origin") == self.origin:
                    continue
                if event.get("type") == KB_EXAMPLE:
                    self.teach_now(str(event["intent"]), str(event["text"]))
                elif event.get("type") == KB_RELOAD:
                    try:
                        await self.load()
                    except Exception as exc:  # keep the last good bot
                        logger.error("knowledge base reload failed: {}", exc)


def _build(
    kb_path: Path | None, taught: list[tuple[str, str]], cache_dir: Path | None
) -> KnowledgeBot:
    kb = load_knowledge_base(kb_path).with_fallback()
    known = {intent.id for intent in kb.intents}
    usable = [(intent, text) for intent, text in taught if intent in known]
    return KnowledgeBot(kb, cache_dir=cache_dir, taught=usable)
