"""The running bot for routes: replaced as a whole when the knowledge base is reloaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sunsupport.bot import KnowledgeBot
from sunsupport.knowledge.keeper import BotKeeper


def get_keeper(request: Request) -> BotKeeper:
    keeper: BotKeeper = request.app.state.bot_keeper
    return keeper


def get_bot(request: Request) -> KnowledgeBot:
    return get_keeper(request).bot


BotDep = Annotated[KnowledgeBot, Depends(get_bot)]
KeeperDep = Annotated[BotKeeper, Depends(get_keeper)]
