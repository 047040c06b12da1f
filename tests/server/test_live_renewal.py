"""Live connections and renewed tokens: a page that renews its token sends it on its open
connections, which then stay open past the first token's expiry; a token of another
session, or a bad one, closes them."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from sunsupport.core.config import SECRET_FILE_NAME
from sunsupport.core.security import ALGORITHM
from tests.support.live import Socket, create_staff, login, new_user, open_socket
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

LIFETIME = 3  # seconds the first token lives


def short_token(server: RunningServer, user_id: int) -> str:
    secret = (server.workdir / SECRET_FILE_NAME).read_text(encoding="utf-8").strip()
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(seconds=LIFETIME)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


async def renewed(http: httpx.AsyncClient, token: str) -> str:
    response = await http.post("/auth/renew", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def still_open(socket: Socket) -> None:
    await socket.connection.send(json.dumps({"type": "ping"}))
    await socket.next("pong")


async def test_renewed_tokens_keep_chat_and_staff_sockets_open(server: RunningServer) -> None:
    operator = create_staff(server)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        _, headers = await new_user(http)
        op_headers = await login(http, operator)
        user_id = (await http.get("/auth/me", headers=headers)).json()["id"]
        op_id = (await http.get("/auth/me", headers=op_headers)).json()["id"]
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        user_token, op_token = short_token(server, user_id), short_token(server, op_id)
        async with (
            open_socket(server, f"/ws/chat/{sid}", user_token) as page,
            open_socket(server, "/ws/staff", op_token) as console,
        ):
            await page.next("ready")
            await console.next("ready")
            for socket, token in ((page, user_token), (console, op_token)):
                fresh = await renewed(http, token)
                await socket.connection.send(json.dumps({"type": "auth", "token": fresh}))
                await still_open(socket)  # frames are handled in order: the renewal is in
            await asyncio.sleep(LIFETIME + 1.5)  # past the first tokens' expiry
            await still_open(page)
            await still_open(console)


async def test_a_socket_without_a_renewal_still_closes_at_expiry(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        _, headers = await new_user(http)
        user_id = (await http.get("/auth/me", headers=headers)).json()["id"]
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    async with open_socket(server, f"/ws/chat/{sid}", short_token(server, user_id)) as page:
        await page.next("ready")
        assert await page.closed_code() == 4401


@pytest.mark.parametrize("kind", ["another account", "garbage", "missing"])
async def test_a_bad_renewal_closes_the_socket(server: RunningServer, kind: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        other_token, _ = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        async with open_socket(server, f"/ws/chat/{sid}", token) as page:
            await page.next("ready")
            frame: dict[str, object] = {"type": "auth"}
            if kind == "another account":
                frame["token"] = other_token
            elif kind == "garbage":
                frame["token"] = "garbage"
            await page.connection.send(json.dumps(frame))
            assert await page.closed_code() == 4401
