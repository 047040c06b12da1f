"""The running bot for routes: replaced as a whole when the knowledge base is reloaded.

(Dependencies are ``async def``: FastAPI runs a plain ``def`` in a worker thread.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sunsupport.bot import KnowledgeBot
from sunsupport.knowledge.keeper import BotKeeper
from sunsupport.knowledge.runner import BotRunner


async def get_keeper(request: Request) -> BotKeeper:
    keeper: BotKeeper = request.app.state.bot_keeper
    return keeper


async def get_bot(request: Request) -> KnowledgeBot:
    keeper: BotKeeper = request.app.state.bot_keeper
    return keeper.bot


BotDep = Annotated[KnowledgeBot, Depends(get_bot)]
KeeperDep = Annotated[BotKeeper, Depends(get_keeper)]


async def get_bot_runner(request: Request) -> BotRunner:
    runner: BotRunner = request.app.state.bot_runner
    return runner


BotRunnerDep = Annotated[BotRunner, Depends(get_bot_runner)]
