"""WebSocket protocol plumbing shared by the live endpoints (which live in their features).

Protocol (JSON frames):
- The client's first frame authenticates: ``{"type": "auth", "token": "<JWT>", "after_id": N}``
  (never a token in the URL, which would end up in access logs). ``after_id`` is the last
  message id the client has; everything newer is sent first, then live events.
- Server frames: ``ready``, ``message``, ``session`` (status changes), ``typing``, ``error``.
- Client frames after auth: ``{"type": "typing"}`` (staff: with ``session_id``),
  ``{"type": "ping"}`` → ``{"type": "pong"}``, and ``{"type": "auth", "token": ...}`` again
  with a renewed token of the same session (``POST /auth/renew``): the connection then
  stays open until the new token expires (a bad one closes it with 4401).
Close codes: 4401 not authenticated (or the token expired), 4403 forbidden (or no longer
allowed), 4404 not found, 1008 abuse (too many connections or frames), 1013 reconnect to
catch up, or try again later.

Limits: frames of at most 64 KiB (``serve``); a capped number of connections waiting for
their auth frame, and per user and per client address; a connection is re-checked at
least every minute and when its user changes, and closed when its token expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec

from fastapi import WebSocket, WebSocketDisconnect

from sunsupport.core import metrics
from sunsupport.live.hub import Event

AUTH_TIMEOUT_SECONDS = 5
CATCH_UP_LIMIT = 500
NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND = 4401, 4403, 4404
UNSUPPORTED, POLICY, TRY_LATER = 1003, 1008, 1013
CATCH_UP = TRY_LATER
RECHECK_SECONDS = 60
MAX_FRAMES, FRAME_WINDOW_SECONDS = 200, 10.0
"""More client frames than this within the window is abuse (the pages send a typing
frame at most every 2 s, and a ping every half minute)."""

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


class _Malformed(Exception):
    """A frame that is not JSON text."""


async def _receive_json(websocket: WebSocket) -> Any:
    """The client's next frame, parsed; :class:`_Malformed` for a binary frame or text
    that is not JSON (or nested too deeply for the parser)."""
    try:
        return await websocket.receive_json()
    except (KeyError, ValueError, RecursionError) as exc:  # KeyError: a binary frame
        raise _Malformed from exc


async def receive_hello(websocket: WebSocket) -> Hello:
    """Wait for the auth frame; anything else (or nothing in time) gives no token."""
    try:
        frame = await asyncio.wait_for(_receive_json(websocket), AUTH_TIMEOUT_SECONDS)
    except (TimeoutError, WebSocketDisconnect, _Malformed):
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


class Lease:
    """Until when a live connection may stay open: its token's expiry, moved on when the
    client sends the same session's renewed token on the open connection, so an active
    page keeps its connection past the first token's lifetime."""

    def __init__(self, expires_at: datetime) -> None:
        self.expires_at = expires_at

    def extend(self, expires_at: datetime) -> None:
        self.expires_at = max(self.expires_at, expires_at)

    def left(self) -> float:
        return (self.expires_at - datetime.now(UTC)).total_seconds()


class Refused(Exception):
    """A client frame that ends the connection with ``code`` (a bad renewed token)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class _Abuse(Exception):
    """The client sends frames faster than any page would."""


Closing = tuple[int, str]
"""A close code and reason."""


async def pump(
    websocket: WebSocket,
    live: AsyncIterable[Event],
    cursor: Cursor,
    on_frame: FrameHandler,
    watch: Awaitable[Closing],
) -> None:
    """Forward hub events to the socket while reading the client's frames, until either
    side ends or ``watch`` says the connection must close (expired token, lost access).
    A subscriber that fell behind is asked to reconnect and catch up; a client flooding
    frames is closed with 1008, one sending a frame that is not JSON text with 1003."""

    async def forward() -> None:
        async for event in live:
            await cursor.send(event)

    async def read() -> None:
        recent: deque[float] = deque()
        while True:
            frame = await _receive_json(websocket)
            now = time.monotonic()
            recent.append(now)
            while recent and now - recent[0] > FRAME_WINDOW_SECONDS:
                recent.popleft()
            if len(recent) > MAX_FRAMES:
                raise _Abuse
            if not isinstance(frame, dict):
                continue
            if frame.get("type") == "ping":
                await websocket.send_json({"type": "pong"})
            else:
                await on_frame(frame)

    metrics.live_connections.inc()
    watcher: asyncio.Future[Closing] = asyncio.ensure_future(watch)
    tasks: list[asyncio.Future[Any]] = [
        asyncio.create_task(forward()),
        asyncio.create_task(read()),
        watcher,
    ]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            exc = task.exception()
            if task is watcher and exc is None:
                code, reason = watcher.result()
                await close(websocket, code, reason)
            elif isinstance(exc, _Abuse):
                await close(websocket, POLICY, "Too many frames")
            elif isinstance(exc, _Malformed):
                await close(websocket, UNSUPPORTED, "Frames must be JSON text")
            elif isinstance(exc, Refused):
                await close(websocket, exc.code, exc.reason)
            elif exc is not None and not isinstance(exc, WebSocketDisconnect | ValueError):
                await close(websocket, CATCH_UP, "Reconnect to catch up")
    finally:
        metrics.live_connections.dec()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def watch_access(
    lease: Lease,
    changes: AsyncIterable[Event],
    still_allowed: Callable[[], Awaitable[Closing | None]],
) -> Closing:
    """Wait until the connection must close: its token expires (4401; a renewal moves
    ``lease`` on, read again at each wake-up), or a re-check (every minute, and whenever
    ``changes`` brings an event about its user) finds that access is gone (what
    ``still_allowed`` returns)."""
    changed = asyncio.Event()

    async def listen() -> None:
        async for _event in changes:
            changed.set()

    listener = asyncio.create_task(listen())
    try:
        while True:
            left = lease.left()
            if left <= 0:
                return NOT_AUTHENTICATED, "Token expired"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(left, RECHECK_SECONDS))
            changed.clear()
            if lease.left() <= 0:
                return NOT_AUTHENTICATED, "Token expired"
            verdict = await still_allowed()
            if verdict is not None:
                return verdict
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener


class Admission:
    """How many connections may be open: waiting for their auth frame (in all), per user
    and per client address. Beyond, a new one is closed at once."""

    def __init__(self, pending: int = 256, per_user: int = 16, per_address: int = 64) -> None:
        self.limits = {"pending": pending, "user": per_user, "address": per_address}
        self._counts: dict[str, int] = {}

    @contextlib.contextmanager
    def hold(self, kind: str, key: str = "") -> Iterator[bool]:
        """``True`` while under the limit for ``kind`` (and ``key``), counted until exit."""
        name = f"{kind}:{key}"
        if self._counts.get(name, 0) >= self.limits[kind]:
            yield False
            return
        self._counts[name] = self._counts.get(name, 0) + 1
        try:
            yield True
        finally:
            self._counts[name] -= 1
            if not self._counts[name]:
                del self._counts[name]
