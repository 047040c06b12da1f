"""``/ws/chat/{session_id}``: one conversation, live, for its user (or staff).

The protocol plumbing (auth frame, catch-up cursor, pump) is in :mod:`sunsupport.live.socket`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, WebSocket

from sunsupport.auth.deps import socket_user
from sunsupport.chat import events, service
from sunsupport.core.errors import Forbidden, NotFound
from sunsupport.live import socket
from sunsupport.live.hub import STAFF_CHANNEL, Hub, session_channel

router = APIRouter()


@router.websocket("/ws/chat/{session_id}")
@socket.ends_quietly_on_disconnect
async def chat_socket(websocket: WebSocket, session_id: str) -> None:
    await websocket.accept()
    hello = await socket.receive_hello(websocket)
    user = await socket_user(websocket, hello.token)
    if user is None:
        return
    hub: Hub = websocket.app.state.hub
    sender = "operator" if user.is_staff else "user"
    async with hub.subscribe(session_channel(session_id)) as live:
        # Subscribe first, then read the database: nothing falls between the two.
        try:
            chat, missed = await service.catch_up(
                websocket.app.state.db, user, session_id, hello.after_id, socket.CATCH_UP_LIMIT
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

        async def on_frame(frame: dict[str, Any]) -> None:
            if frame.get("type") == "typing":
                event = {"type": "typing", "session_id": session_id, "sender_type": sender}
                await hub.publish(session_channel(session_id), event)
                if sender == "user":
                    await hub.publish(STAFF_CHANNEL, event)

        await socket.pump(websocket, live, cursor, on_frame)
