"""The whole handoff over real HTTP and real WebSockets against a running server:
user asks for a human → operator sees it live → claims → replies → the user's page
gets the reply live → resolve → rating."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.live import create_staff, login, new_user, open_socket
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server


async def test_handoff_end_to_end_over_the_live_channel(server: RunningServer) -> None:
    operator = create_staff(server)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        op_headers = await login(http, operator)
        op_token = op_headers["Authorization"].split()[1]
        user_token, user_headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=user_headers)).json()["id"]

        async with open_socket(server, "/ws/staff", op_token) as staff:
            await staff.next("ready")
            async with open_socket(server, f"/ws/chat/{sid}", user_token) as page:
                ready = await page.next("ready")
                assert ready["session"]["status"] == "bot"

                posted = await http.post(
                    "/chat/message",
                    headers=user_headers,
                    json={"session_id": sid, "text": "позовите оператора"},
                )
                assert posted.json()["intent"] == "operator"
                # the operator's console hears about the new handoff without polling
                await staff.next("session", id=sid, status="pending_human")
                await page.next("message", id=posted.json()["answer_id"], sender_type="bot")

                claimed = await http.post(f"/operator/sessions/{sid}/claim", headers=op_headers)
                assert claimed.status_code == 200
                await page.next("session", status="open")

                reply = await http.post(
                    f"/operator/sessions/{sid}/message",
                    headers=op_headers,
                    json={"text": "Добрый день! Оператор Солнца на связи."},
                )
                assert reply.status_code == 201
                live = await page.next("message", sender_type="operator")
                assert live["message"]["text"] == "Добрый день! Оператор Солнца на связи."

                # the user's answer reaches the operator live, and the bot stays silent
                answer = await http.post(
                    "/chat/message",
                    headers=user_headers,
                    json={"session_id": sid, "text": "Солнце не взошло"},
                )
                assert answer.json()["answer"] is None
                await staff.next("message", sender_type="user", text="Солнце не взошло")

                # typing indicators go both ways
                await page.connection.send(json.dumps({"type": "typing"}))
                await staff.next("typing", session_id=sid, sender_type="user")
                await staff.connection.send(json.dumps({"type": "typing", "session_id": sid}))
                await page.next("typing", sender_type="operator")

                resolved = await http.post(f"/operator/sessions/{sid}/resolve", headers=op_headers)
                assert resolved.json()["status"] == "resolved"
                await page.next("session", status="resolved")

        rating = await http.post(
            f"/chat/session/{sid}/rating", headers=user_headers, json={"rating": 5}
        )
        assert rating.status_code == 200


async def test_reconnecting_client_catches_up_once_and_in_order(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        first = await http.post(
            "/chat/message", headers=headers, json={"session_id": sid, "text": "привет"}
        )
        seen = first.json()["answer_id"]
        for text in ("какая погода?", "пока"):
            await http.post(
                "/chat/message", headers=headers, json={"session_id": sid, "text": text}
            )

        async with open_socket(server, f"/ws/chat/{sid}", token, after_id=seen) as page:
            await page.next("ready")
            ids = []
            for _ in range(4):
                ids.append((await page.next("message"))["message"]["id"])
            assert ids == sorted(ids) and len(set(ids)) == 4 and min(ids) > seen
            # nothing else pending: the next live message arrives exactly once
            latest = await http.post(
                "/chat/message", headers=headers, json={"session_id": sid, "text": "спасибо"}
            )
            got = await page.next("message")
            assert got["message"]["id"] == latest.json()["message_id"]


async def test_catching_up_brings_the_quick_replies_of_an_answer(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        unsure = {"session_id": sid, "text": "Солнце светит слабо"}
        posted = await http.post("/chat/message", headers=headers, json=unsure)
        offered = posted.json()["suggestions"]
        assert len(offered) == 2, posted.text

        async with open_socket(server, f"/ws/chat/{sid}", token, after_id=0) as page:
            await page.next("ready")
            question = (await page.next("message"))["message"]
            answer = (await page.next("message"))["message"]
            assert (question["suggestions"], answer["suggestions"]) == ([], offered)


@pytest.mark.parametrize("first_frame", [None, {"type": "auth", "token": "garbage"}, {"x": 1}])
async def test_sockets_require_a_valid_token_in_the_first_frame(
    server: RunningServer, first_frame: dict | None
) -> None:
    url = server.base_url.replace("http://", "ws://") + "/ws/staff"
    async with connect(url) as connection:
        if first_frame is not None:
            await connection.send(json.dumps(first_frame))
        else:
            await connection.send("not json")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.recv(), 15)
    assert closed.value.rcvd.code == 4401


async def test_users_cannot_listen_to_others_or_to_staff(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        _, owner_headers = await new_user(http)
        intruder_token, _ = await new_user(http)
        sid = (await http.post("/chat/session", headers=owner_headers)).json()["id"]
    for path, code in ((f"/ws/chat/{sid}", 4403), ("/ws/staff", 4403), ("/ws/chat/nope", 4404)):
        url = server.base_url.replace("http://", "ws://") + path
        async with connect(url) as connection:
            await connection.send(json.dumps({"type": "auth", "token": intruder_token}))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(connection.recv(), 15)
        assert closed.value.rcvd.code == code, path


async def test_a_client_leaving_right_after_auth_is_not_an_error(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    url = server.base_url.replace("http://", "ws://") + f"/ws/chat/{sid}"
    for _ in range(5):
        async with connect(url) as connection:
            await connection.send(json.dumps({"type": "auth", "token": token}))
    await asyncio.sleep(1)
    console = (server.workdir / "server.out").read_text(encoding="utf-8")
    assert "Exception in ASGI application" not in console
    assert "WebSocketDisconnect" not in console
