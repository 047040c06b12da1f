from __future__ import annotations

from typing import Any

import anyio
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send


class DelayedJSONResponse(JSONResponse):
    """A JSON response sent ``delay`` seconds late.

    The wait happens after the unit of work has committed and released its database
    connection, so a human-feeling pause costs the server nothing but a sleeping task.
    """

    def __init__(self, content: Any, status_code: int = 200, *, delay: float = 0.0) -> None:
        super().__init__(content, status_code)
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.delay > 0:
            await anyio.sleep(self.delay)
        await super().__call__(scope, receive, send)
