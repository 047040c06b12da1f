"""WebSocket protocol plumbing shared by the live endpoints (which live in their features).

Protocol (JSON frames):
- The client's first frame authenticates: ``{"type": "auth", "token": "<JWT>", "after_id": N}``
  (never a token in the URL, which would end up in access logs). ``after_id`` is the last
  message id the client has; everything newer is sent first, then live events.
- Server frames: ``ready``, ``message``, ``session`` (status changes), ``typing``, ``error``.
- Client frames after auth: ``{"type": "typing"}`` (staff: with ``session_id``),
  ``{"type": "ping"}`` → ``{"type": "pong"}``.
Close codes: 4401 not authenticated, 4403 forbidden, 4404 not found, 1013 reconnect to
catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec

from fastapi import WebSocket, WebSocketDisconnect

from sunsupport.core import metrics
from sunsupport.live.hub import Event

AUTH_TIMEOUT_SECONDS = 10
CATCH_UP_LIMIT = 500
NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, CATCH_UP = 4401, 4403, 4404, 1013

FrameHandler = Callable[[dict[str, Any]], Awaitable[None]]

P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class Hello:
    """The client's first frame: its token and the last message id it has."""

    token: str | None
    after_id: int


def ends_quietly_on_disconnect(
    handler: Callable[P, Awaitable[None]],
) -> Callable[P, Awaitable[None]]:
    """A client may leave at any moment (even between auth and ``ready``): that ends the
    handler, it is not an error."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            await handler(*args, **kwargs)

    return wrapper


async def receive_hello(websocket: WebSocket) -> Hello:
    """Wait for the auth frame; anything else (or nothing in time) gives no token."""
    try:
        frame = await asyncio.wait_for(websocket.receive_json(), AUTH_TIMEOUT_SECONDS)
    except (TimeoutError, WebSocketDisconnect, ValueError, KeyError):
        frame = {}
    if not isinstance(frame, dict):
        frame = {}
    token = frame.get("token") if frame.get("type") == "auth" else None
    after_id = frame.get("after_id")
    return Hello(
        token=token if isinstance(token, str) else None,
        after_id=after_id if isinstance(after_id, int) and 0 <= after_id < 2**62 else 0,
    )


async def close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close, ignoring a client that is already gone."""
    with contextlib.suppress(Exception):
        await websocket.close(code, reason)


class Cursor:
    """Sends each message event once: the catch-up and the live stream overlap by design
    (subscribe, then read the database), so ids already sent are skipped. Ids are kept in
    a set, not as a maximum, because concurrent transactions may commit out of id order."""

    REMEMBER = 2000

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket
        self._sent: set[int] = set()
        self._order: deque[int] = deque()

    async def send(self, event: Event) -> None:
        if event.get("type") == "message":
            message_id = int(event["message"]["id"])
            if message_id in self._sent:
                return
            self._sent.add(message_id)
            self._order.append(message_id)
            if len(self._order) > self.REMEMBER:
                self._sent.discard(self._order.popleft())
        await self._websocket.send_json(event)


async def pump(
    websocket: WebSocket, live: AsyncIterable[Event], cursor: Cursor, on_frame: FrameHandler
) -> None:
    """Forward hub events to the socket while reading the client's frames, until either
    side ends. A subscriber that fell behind is asked to reconnect and catch up."""

    async def forward() -> None:
        async for event in live:
            await cursor.send(event)

    async def read() -> None:
        while True:
            frame = await websocket.receive_json()
            if not isinstance(frame, dict):
                continue
            if frame.get("type") == "ping":
                await websocket.send_json({"type": "pong"})
            else:
                await on_frame(frame)

    metrics.live_connections.inc()
    tasks = [asyncio.create_task(forward()), asyncio.create_task(read())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            exc = task.exception()
            if exc is not None and not isinstance(exc, WebSocketDisconnect | ValueError):
                await close(websocket, CATCH_UP, "Reconnect to catch up")
    finally:
        metrics.live_connections.dec()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
