"""``/ws/staff``: the operator console's live stream (queue changes, messages while a
human is involved, typing), and the console's presence while it is open."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, WebSocket
from sqlalchemy.orm import Session

from sunsupport.auth import service as accounts
from sunsupport.auth.deps import SocketCaller, admit_socket
from sunsupport.chat import events
from sunsupport.chat import service as chats
from sunsupport.core.uow import Database
from sunsupport.live import socket
from sunsupport.live.hub import STAFF_CHANNEL, Hub, session_channel, user_channel
from sunsupport.models import ChatSession, Message, User
from sunsupport.operator import service
from sunsupport.operator.service import Customer

router = APIRouter()

PRESENCE_INTERVAL_SECONDS = 60
TYPING_EVERY_SECONDS = 1.5


class TypingThrottle:
    """One typing notice per conversation every :data:`TYPING_EVERY_SECONDS`. Bounded: a
    console open all shift would otherwise remember every conversation it ever typed in;
    past ``keep`` entries the quiet ones are forgotten (the socket's frame limit keeps
    the recent ones few)."""

    def __init__(self, keep: int = 256) -> None:
        self.keep = keep
        self._last: dict[str, float] = {}

    def allow(self, target: str, now: float) -> bool:
        if now - self._last.get(target, -TYPING_EVERY_SECONDS) < TYPING_EVERY_SECONDS:
            return False
        if len(self._last) >= self.keep:
            for quiet in [k for k, at in self._last.items() if now - at >= TYPING_EVERY_SECONDS]:
                del self._last[quiet]
        self._last[target] = now
        return True

    def __len__(self) -> int:
        return len(self._last)


@router.websocket("/ws/staff")
@socket.ends_quietly_on_disconnect
async def staff_socket(websocket: WebSocket) -> None:
    caller = await admit_socket(websocket)
    if caller is None:
        return
    if not caller.user.is_staff:
        await socket.close(websocket, socket.FORBIDDEN, "Operators only")
        return
    admission: socket.Admission = websocket.app.state.socket_admission
    with admission.hold("user", str(caller.user.id)) as room:
        if not room:
            await socket.close(websocket, socket.POLICY, "Too many connections")
            return
        await _serve(websocket, caller)


async def _serve(websocket: WebSocket, caller: SocketCaller) -> None:
    user, after_id = caller.user, caller.hello.after_id
    database: Database = websocket.app.state.db
    hub: Hub = websocket.app.state.hub
    async with (
        hub.subscribe(STAFF_CHANNEL) as live,
        hub.subscribe(user_channel(user.id)) as changes,
    ):
        queue, missed = await _catch_up(database, user, after_id)
        await websocket.send_json(
            {
                "type": "ready",
                "queue": [
                    {**events.session_payload(chat), **customer.as_dict()}
                    for chat, customer in queue
                ],
            }
        )
        cursor = socket.Cursor(websocket)
        for message in missed:
            await cursor.send(events.message_event(message))
        typing = TypingThrottle()

        async def on_frame(frame: dict[str, Any]) -> None:
            target = frame.get("session_id")
            if frame.get("type") != "typing" or not isinstance(target, str):
                return
            target = target[:64]
            if not typing.allow(target, time.monotonic()):
                return
            event = {"type": "typing", "session_id": target, "sender_type": "operator"}
            await hub.publish(session_channel(target), event)

        async def still_allowed() -> socket.Closing | None:
            current = await accounts.user_by_id(database, user.id)
            if current is not None and current.token_version != user.token_version:
                return socket.NOT_AUTHENTICATED, accounts.TOKEN_REVOKED
            if current is None or not current.is_staff:
                return socket.FORBIDDEN, "Operators only"
            return None

        presence = asyncio.create_task(_keep_present(websocket.app.state.presence, user))
        try:
            watch = socket.watch_access(caller.lease, changes, still_allowed)
            renewing = caller.renewing(websocket, on_frame)
            await socket.pump(websocket, live, cursor, renewing, watch)
        finally:
            presence.cancel()


async def _catch_up(
    database: Database, user: User, after_id: int
) -> tuple[Sequence[tuple[ChatSession, Customer]], Sequence[Message]]:
    """The operator's queue and the messages of those conversations the console missed."""

    def read(session: Session) -> tuple[Sequence[tuple[ChatSession, Customer]], Sequence[Message]]:
        queue = service.queue_of(session, user)
        session_ids = [chat.id for chat, _ in queue]
        missed = chats.messages_after_in(session, session_ids, after_id, socket.CATCH_UP_LIMIT)
        return queue, missed

    return await database.read(read)


async def _keep_present(presence: accounts.Presence, user: User) -> None:
    """An open console counts as being present."""
    while True:
        presence.seen(user)
        await asyncio.sleep(PRESENCE_INTERVAL_SECONDS)
