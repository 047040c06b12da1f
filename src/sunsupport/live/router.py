"""WebSocket endpoints: one per conversation for its user, one stream for staff.

Protocol (JSON frames):
- The client's first frame authenticates: ``{"type": "auth", "token": "<JWT>", "after_id": N}``
  (never a token in the URL, which would end up in access logs). ``after_id`` is the last
  message id the client has; everything newer is sent first, then live events.
- Server frames: ``ready``, ``message``, ``session`` (status changes), ``typing``, ``error``.
- Client frames after auth: ``{"type": "typing"}`` (staff: with ``session_id``),
  ``{"type": "ping"}`` → ``{"type": "pong"}``.
Close codes: 4401 not authenticated, 4403 forbidden, 4404 no such conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sunsupport import metrics
from sunsupport.auth.deps import user_for_token
from sunsupport.chat import events as payloads
from sunsupport.chat import repository as chats
from sunsupport.db import session_scope
from sunsupport.errors import Unauthorized
from sunsupport.live.hub import STAFF_CHANNEL, Event, Hub, session_channel
from sunsupport.models import User
from sunsupport.operator import service as operators

router = APIRouter()

AUTH_TIMEOUT_SECONDS = 10
CATCH_UP_LIMIT = 500
PRESENCE_INTERVAL_SECONDS = 60
NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND = 4401, 4403, 4404


def _ends_quietly_on_disconnect(
    handler: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    """A client may leave at any moment (even between auth and ``ready``): that ends the
    handler, it is not an error."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            await handler(*args, **kwargs)

    return wrapper


@router.websocket("/ws/chat/{session_id}")
@_ends_quietly_on_disconnect
async def chat_socket(websocket: WebSocket, session_id: str) -> None:
    await websocket.accept()
    hello = await _receive_auth(websocket)
    user = await _authenticate(websocket, hello)
    if user is None:
        return
    hub: Hub = websocket.app.state.hub
    sender = "operator" if user.is_staff else "user"
    async with hub.subscribe(session_channel(session_id)) as live:
        # Subscribe first, then read the database: nothing falls between the two.
        async with session_scope(websocket.app.state.read_sessionmaker) as session:
            chat = await chats.get_session(session, session_id)
            allowed = chat is not None and (chat.user_id == user.id or user.is_staff)
            missed = (
                await chats.messages_after(session, session_id, _after_id(hello), CATCH_UP_LIMIT)
                if allowed
                else []
            )
        if chat is None:
            await websocket.close(NOT_FOUND, "Chat session not found")
            return
        if not allowed:
            await websocket.close(FORBIDDEN, "This chat session belongs to another user")
            return
        await websocket.send_json({"type": "ready", "session": payloads.session_payload(chat)})
        cursor = _Cursor()
        for message in missed:
            await cursor.send(websocket, payloads.message_event(message))

        async def on_frame(frame: dict[str, Any]) -> None:
            if frame.get("type") == "typing":
                event = {"type": "typing", "session_id": session_id, "sender_type": sender}
                await hub.publish(session_channel(session_id), event)
                if sender == "user":
                    await hub.publish(STAFF_CHANNEL, event)

        await _pump(websocket, live, cursor, on_frame)


@router.websocket("/ws/staff")
@_ends_quietly_on_disconnect
async def staff_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    hello = await _receive_auth(websocket)
    user = await _authenticate(websocket, hello)
    if user is None:
        return
    if not user.is_staff:
        await websocket.close(FORBIDDEN, "Operators only")
        return
    factory: async_sessionmaker[AsyncSession] = websocket.app.state.sessionmaker
    hub: Hub = websocket.app.state.hub
    async with hub.subscribe(STAFF_CHANNEL) as live:
        async with session_scope(factory) as session:
            await operators.mark_active(session, user)
            queue = await operators.queue(session, user)
            session_ids = [chat.id for chat, _ in queue]
            missed = await chats.messages_after_in(
                session, session_ids, _after_id(hello), CATCH_UP_LIMIT
            )
        await websocket.send_json(
            {
                "type": "ready",
                "queue": [
                    {**payloads.session_payload(chat), "username": username}
                    for chat, username in queue
                ],
            }
        )
        cursor = _Cursor()
        for message in missed:
            await cursor.send(websocket, payloads.message_event(message))

        async def on_frame(frame: dict[str, Any]) -> None:
            if frame.get("type") == "typing" and isinstance(frame.get("session_id"), str):
                event = {
                    "type": "typing",
                    "session_id": frame["session_id"][:64],
                    "sender_type": "operator",
                }
                await hub.publish(session_channel(event["session_id"]), event)

        async def keep_present() -> None:
            while True:
                await asyncio.sleep(PRESENCE_INTERVAL_SECONDS)
                async with session_scope(factory) as session:
                    await operators.mark_active(session, user)

        presence = asyncio.create_task(keep_present())
        try:
            await _pump(websocket, live, cursor, on_frame)
        finally:
            presence.cancel()


class _Cursor:
    """Sends each message event once: the catch-up and the live stream overlap by design
    (subscribe, then read the database), so ids already sent are skipped. Ids are kept in
    a set, not as a maximum, because concurrent transactions may commit out of id order."""

    REMEMBER = 2000

    def __init__(self) -> None:
        self._sent: set[int] = set()
        self._order: deque[int] = deque()

    async def send(self, websocket: WebSocket, event: Event) -> None:
        if event.get("type") == "message":
            message_id = int(event["message"]["id"])
            if message_id in self._sent:
                return
            self._sent.add(message_id)
            self._order.append(message_id)
            if len(self._order) > self.REMEMBER:
                self._sent.discard(self._order.popleft())
        await websocket.send_json(event)


async def _pump(websocket: WebSocket, live: Any, cursor: _Cursor, on_frame: Any) -> None:
    """Forward hub events to the socket while reading the client's frames."""

    async def forward() -> None:
        async for event in live:
            await cursor.send(websocket, event)

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
                # A subscriber that fell behind: ask the client to reconnect and catch up.
                with contextlib.suppress(Exception):
                    await websocket.close(1013, "Reconnect to catch up")
    finally:
        metrics.live_connections.dec()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _receive_auth(websocket: WebSocket) -> dict[str, Any]:
    try:
        frame = await asyncio.wait_for(websocket.receive_json(), AUTH_TIMEOUT_SECONDS)
    except (TimeoutError, WebSocketDisconnect, ValueError, KeyError):
        return {}
    return frame if isinstance(frame, dict) else {}


async def _authenticate(websocket: WebSocket, hello: dict[str, Any]) -> User | None:
    token = hello.get("token") if hello.get("type") == "auth" else None
    try:
        return await user_for_token(websocket, token if isinstance(token, str) else None)
    except Unauthorized:
        with contextlib.suppress(Exception):
            await websocket.close(NOT_AUTHENTICATED, "Not authenticated")
        return None


def _after_id(hello: dict[str, Any]) -> int:
    value = hello.get("after_id")
    return value if isinstance(value, int) and 0 <= value < 2**62 else 0
