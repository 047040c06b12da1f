"""``/ws/staff``: the operator console's live stream (queue changes, messages while a
human is involved, typing), and the console's presence while it is open."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, WebSocket
from sqlalchemy.orm import Session

from sunsupport.auth import service as accounts
from sunsupport.auth.deps import socket_user
from sunsupport.chat import events
from sunsupport.chat import service as chats
from sunsupport.core.uow import Database
from sunsupport.live import socket
from sunsupport.live.hub import STAFF_CHANNEL, Hub, session_channel
from sunsupport.models import ChatSession, Message, User
from sunsupport.operator import service

router = APIRouter()

PRESENCE_INTERVAL_SECONDS = 60


@router.websocket("/ws/staff")
@socket.ends_quietly_on_disconnect
async def staff_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    hello = await socket.receive_hello(websocket)
    user = await socket_user(websocket, hello.token)
    if user is None:
        return
    if not user.is_staff:
        await socket.close(websocket, socket.FORBIDDEN, "Operators only")
        return
    database: Database = websocket.app.state.db
    hub: Hub = websocket.app.state.hub
    async with hub.subscribe(STAFF_CHANNEL) as live:
        queue, missed = await _catch_up(database, user, hello.after_id)
        await websocket.send_json(
            {
                "type": "ready",
                "queue": [
                    {**events.session_payload(chat), "username": username}
                    for chat, username in queue
                ],
            }
        )
        cursor = socket.Cursor(websocket)
        for message in missed:
            await cursor.send(events.message_event(message))

        async def on_frame(frame: dict[str, Any]) -> None:
            if frame.get("type") == "typing" and isinstance(frame.get("session_id"), str):
                event = {
                    "type": "typing",
                    "session_id": frame["session_id"][:64],
                    "sender_type": "operator",
                }
                await hub.publish(session_channel(event["session_id"]), event)

        presence = asyncio.create_task(_keep_present(websocket.app.state.presence, user))
        try:
            await socket.pump(websocket, live, cursor, on_frame)
        finally:
            presence.cancel()


async def _catch_up(
    database: Database, user: User, after_id: int
) -> tuple[Sequence[tuple[ChatSession, str]], Sequence[Message]]:
    """The operator's queue and the messages of those conversations the console missed."""

    def read(session: Session) -> tuple[Sequence[tuple[ChatSession, str]], Sequence[Message]]:
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
