from __future__ import annotations

import pytest

from sunsupport.bot import KnowledgeBot, load_bot


@pytest.fixture(scope="session")
def bot() -> KnowledgeBot:
    """The packaged knowledge base's bot, built once for the run."""
    return load_bot()
