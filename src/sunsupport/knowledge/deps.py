"""The running bot for routes: replaced as a whole when the knowledge base is reloaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sunsupport.bot import KnowledgeBot
from sunsupport.knowledge.keeper import BotKeeper


def get_keeper(request: Request) -> BotKeeper:
    return request.app.state.bot_keeper


def get_bot(request: Request) -> KnowledgeBot:
    return request.app.state.bot_keeper.bot


BotDep = Annotated[KnowledgeBot, Depends(get_bot)]
KeeperDep = Annotated[BotKeeper, Depends(get_keeper)]
