"""Handover notes and withdrawn chats over a real server's live channels."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live import create_staff, login, new_user, open_socket
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server


async def test_notes_and_withdrawals_arrive_live(server: RunningServer) -> None:
    operator = create_staff(server, display_name="Ольга Солнечная")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        op_headers = await login(http, operator)
        op_token = op_headers["Authorization"].split()[1]
        user_token, user_headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=user_headers)).json()["id"]
        await http.post(
            "/chat/message", headers=user_headers, json={"session_id": sid, "text": "оператора!"}
        )
        async with (
            open_socket(server, "/ws/staff", op_token) as staff,
            open_socket(server, f"/ws/chat/{sid}", user_token) as page,
        ):
            await staff.next("ready")
            await page.next("ready")
            await http.post(f"/operator/sessions/{sid}/claim", headers=op_headers)
            note = await page.next("message", sender_type="system")
            assert note["message"]["event"] == "claimed"
            assert note["message"]["author_name"] == "Ольга Солнечная"
            assert "Ольга Солнечная" in note["message"]["text"]
            await staff.next("message", sender_type="system", session_id=sid)
            await http.post(
                f"/operator/sessions/{sid}/message", headers=op_headers, json={"text": "Слушаю"}
            )
            reply = await page.next("message", sender_type="operator")
            assert reply["message"]["author_name"] == "Ольга Солнечная"

            # the customer clears the chat: the console is told, the page sees the bot back
            cleared = await http.delete(f"/chat/history/{sid}", headers=user_headers)
            assert cleared.status_code == 204
            withdrawn = await staff.next("withdrawn", session_id=sid)
            assert withdrawn["reason"] == "cleared"
            await page.next("session", id=sid, status="bot")

            # asked again and then deleted: withdrawn again, and the page hears "deleted"
            await http.post(
                "/chat/message",
                headers=user_headers,
                json={"session_id": sid, "text": "оператора!"},
            )
            await staff.next("session", id=sid, status="pending_human")
            assert (
                await http.delete(f"/chat/session/{sid}", headers=user_headers)
            ).status_code == 204
            assert (await staff.next("withdrawn", session_id=sid))["reason"] == "deleted"
            await page.next("deleted", session_id=sid)
