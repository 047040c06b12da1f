from __future__ import annotations

import pytest

from sunsupport.bot import KnowledgeBot, load_bot
from tests.support.settings import BOT_CACHE_DIR


@pytest.fixture(scope="session")
def bot() -> KnowledgeBot:
    """The packaged knowledge base's bot, built once for the run (the model from the
    tests' shared cache when this KB was trained before)."""
    return load_bot(cache_dir=BOT_CACHE_DIR)
