"""``/ws/chat/{session_id}``: one conversation, live, for its user (or staff).

The protocol plumbing (auth frame, catch-up cursor, pump, limits, re-checks) is in
:mod:`sunsupport.live.socket`.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import nullcontext
from typing import Any

from fastapi import APIRouter, WebSocket

from sunsupport.auth import service as accounts
from sunsupport.auth.deps import SocketCaller, admit_socket
from sunsupport.chat import events, service
from sunsupport.chat.events import HUMAN_STATUSES
from sunsupport.core.errors import Forbidden, NotFound
from sunsupport.core.uow import Database
from sunsupport.live import socket
from sunsupport.live.hub import STAFF_CHANNEL, Event, Hub, session_channel, user_channel
from sunsupport.notify.service import LivePresence

router = APIRouter()

SESSION_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
TYPING_EVERY_SECONDS = 1.5
"""At most one typing event per connection this often (the pages send one every 2 s)."""


@router.websocket("/ws/chat/{session_id}")
@socket.ends_quietly_on_disconnect
async def chat_socket(websocket: WebSocket, session_id: str) -> None:
    caller = await admit_socket(websocket)
    if caller is None:
        return
    user = caller.user
    if not SESSION_ID.match(session_id):
        await socket.close(websocket, socket.NOT_FOUND, "Chat session not found")
        return
    admission: socket.Admission = websocket.app.state.socket_admission
    address = websocket.client.host if websocket.client else "unknown"
    with (
        admission.hold("user", str(user.id)) as per_user,
        admission.hold("address", address) as per_address,
    ):
        if not (per_user and per_address):
            await socket.close(websocket, socket.POLICY, "Too many connections")
            return
        await _serve(websocket, caller, session_id)


async def _serve(websocket: WebSocket, caller: SocketCaller, session_id: str) -> None:
    user, after_id = caller.user, caller.hello.after_id
    db: Database = websocket.app.state.db
    hub: Hub = websocket.app.state.hub
    sender = "operator" if user.is_staff else "user"
    async with (
        hub.subscribe(session_channel(session_id)) as live,
        hub.subscribe(user_channel(user.id)) as changes,
    ):
        # Subscribe first, then read the database: nothing falls between the two.
        try:
            chat, missed = await service.catch_up(
                db, user, session_id, after_id, socket.CATCH_UP_LIMIT
            )
        except NotFound as exc:
            await socket.close(websocket, socket.NOT_FOUND, exc.detail)
            return
        except Forbidden as exc:
            await socket.close(websocket, socket.FORBIDDEN, exc.detail)
            return
        await websocket.send_json({"type": "ready", "session": events.session_payload(chat)})
        cursor = socket.Cursor(websocket)
        for message in missed:
            await cursor.send(events.message_event(message))
        status = {"now": chat.status}
        last_typing = {"at": 0.0}

        async def on_frame(frame: dict[str, Any]) -> None:
            if frame.get("type") != "typing":
                return
            now = time.monotonic()
            if now - last_typing["at"] < TYPING_EVERY_SECONDS:
                return
            last_typing["at"] = now
            event = {"type": "typing", "session_id": session_id, "sender_type": sender}
            await hub.publish(session_channel(session_id), event)
            if sender == "user" and status["now"] in HUMAN_STATUSES:  # only when a human is on
                await hub.publish(STAFF_CHANNEL, event)

        async def still_allowed() -> socket.Closing | None:
            current = await accounts.user_by_id(db, user.id)
            if current is None:
                return socket.FORBIDDEN, "The account no longer exists"
            if current.token_version != user.token_version:
                return socket.NOT_AUTHENTICATED, accounts.TOKEN_REVOKED
            try:
                await service.readable_session(db, current, session_id)
            except NotFound:
                return socket.NOT_FOUND, "Chat session not found"
            except Forbidden:
                return socket.FORBIDDEN, "No longer allowed"
            return None

        watch = socket.watch_access(caller.lease, changes, still_allowed)
        presence: LivePresence = websocket.app.state.live_presence
        # The owner's open page counts as "here": no email for what they can see.
        with presence.connected(user.id) if chat.user_id == user.id else nullcontext():
            await socket.pump(
                websocket,
                _tracking(live, status),
                cursor,
                caller.renewing(websocket, on_frame),
                watch,
            )


async def _tracking(live: AsyncIterable[Event], status: dict[str, str]) -> AsyncIterator[Event]:
    """The live events, noting the conversation's status as it changes."""
    async for event in live:
        if event.get("type") == "session":
            status["now"] = str(event["session"]["status"])
        yield event
