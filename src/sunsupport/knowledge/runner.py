"""Asking the running bot: short texts at once, long ones in a bounded worker pool.

The bot is CPU work. A short message takes a fraction of a millisecond and is answered
on the event loop; a long one goes to the pool (one thread: the bot is pure Python and
holds the GIL), so it never stalls other users' requests, and a flood of long texts is
refused with 503 once the pool's queue is full.
"""

from __future__ import annotations

from functools import partial

from sunsupport.bot import DialogueState, Reply
from sunsupport.bot.engine import Explanation
from sunsupport.core.workpool import WorkPool
from sunsupport.knowledge.keeper import BotKeeper

INLINE_TEXT_LIMIT = 300


class BotRunner:
    def __init__(self, keeper: BotKeeper, pool: WorkPool | None = None) -> None:
        self.keeper = keeper
        self._pool = pool or WorkPool("the bot", threads=1, queue=16)

    async def answer(self, text: str, state: DialogueState) -> Reply:
        bot = self.keeper.bot
        if len(text) <= INLINE_TEXT_LIMIT:
            return bot.answer(text, state)
        return await self._pool.run(bot.answer, text, state)

    async def explain(self, text: str, include_taught: bool) -> Explanation:
        """Why the bot reads ``text`` as it does: a few sparse products over the
        examples, so always in the pool."""
        bot = self.keeper.bot
        return await self._pool.run(partial(bot.explain, text, include_taught=include_taught))
