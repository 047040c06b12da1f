"""Live connections re-check access and have limits (a real server, Redis for events, so
that a role changed from the command line reaches the server at once)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from websockets.asyncio.client import connect

from sunsupport.core.config import SECRET_FILE_NAME
from sunsupport.core.security import ALGORITHM
from tests.support.live import Socket, create_staff, login, new_user, open_socket
from tests.support.servers import RunningServer, run_cli, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    prefix = f"limits{uuid.uuid4().hex[:8]}"
    running = start_server(
        tmp_path_factory.mktemp("limits"),
        {
            "LIVE_BACKEND": "redis",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "LIVE_CHANNEL_PREFIX": prefix,
        },
    )
    yield running
    stop_server(running)


async def test_a_socket_closes_when_its_token_expires(live: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        _, headers = await new_user(http)
        me = (await http.get("/auth/me", headers=headers)).json()
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    secret = (live.workdir / SECRET_FILE_NAME).read_text(encoding="utf-8").strip()
    now = datetime.now(UTC)
    short = jwt.encode(
        {"sub": str(me["id"]), "iat": now, "exp": now + timedelta(seconds=2)},
        secret,
        algorithm=ALGORITHM,
    )
    async with open_socket(live, f"/ws/chat/{sid}", short) as page:
        await page.next("ready")
        assert await page.closed_code() == 4401


async def test_a_demoted_operator_is_disconnected_at_once(live: RunningServer) -> None:
    operator = create_staff(live)
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        token = (await login(http, operator))["Authorization"].split()[1]
    async with open_socket(live, "/ws/staff", token) as console:
        await console.next("ready")
        demoted = await asyncio.to_thread(
            run_cli, "set-role", operator["username"], "user", cwd=live.workdir, env=live.env
        )
        assert demoted.returncode == 0, demoted.stderr
        assert await console.closed_code(seconds=10) == 4403


async def test_a_typing_flood_closes_the_flooder_not_the_operators(live: RunningServer) -> None:
    operator = create_staff(live)
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        op_token = (await login(http, operator))["Authorization"].split()[1]
        user_token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    async with (
        open_socket(live, "/ws/staff", op_token) as console,
        open_socket(live, f"/ws/chat/{sid}", user_token) as page,
    ):
        await console.next("ready")
        await page.next("ready")
        for _ in range(3000):
            await page.connection.send(json.dumps({"type": "typing"}))
        assert await page.closed_code() == 1008
        # the console is still connected and answers
        await console.connection.send(json.dumps({"type": "ping"}))
        assert (await console.next("pong"))["type"] == "pong"


async def test_one_user_cannot_hold_many_sockets(live: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    url = live.ws_url(f"/ws/chat/{sid}")
    connections = []
    try:
        for _ in range(16):
            connection = await connect(url)
            await connection.send(json.dumps({"type": "auth", "token": token}))
            await Socket(connection).next("ready")
            connections.append(connection)
        extra = await connect(url)
        await extra.send(json.dumps({"type": "auth", "token": token}))
        assert await Socket(extra).closed_code() == 1008
    finally:
        for connection in connections:
            await connection.close()


async def test_a_frame_over_64_kib_is_refused(live: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    async with open_socket(live, f"/ws/chat/{sid}", token) as page:
        await page.next("ready")
        await page.connection.send(json.dumps({"type": "typing", "pad": "x" * 70_000}))
        assert await page.closed_code() == 1009


async def test_staff_hear_a_users_typing_only_while_a_human_is_involved(
    live: RunningServer,
) -> None:
    operator = create_staff(live)
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        op_token = (await login(http, operator))["Authorization"].split()[1]
        user_token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
        async with (
            open_socket(live, "/ws/staff", op_token) as console,
            open_socket(live, f"/ws/chat/{sid}", user_token) as page,
        ):
            await console.next("ready")
            await page.next("ready")
            await page.connection.send(json.dumps({"type": "typing"}))
            with pytest.raises(TimeoutError):
                await console.next("typing", wait_seconds=1, session_id=sid)
            await http.post(
                "/chat/message",
                headers=headers,
                json={"session_id": sid, "text": "позовите оператора"},
            )
            await console.next("session", id=sid, status="pending_human")
            await page.next("session", status="pending_human")
            await asyncio.sleep(1.6)  # typing is coalesced per connection
            await page.connection.send(json.dumps({"type": "typing"}))
            typing = await console.next("typing", session_id=sid)
            assert typing["sender_type"] == "user"


@pytest.mark.parametrize("frame", [b"\x00binary", "{not json", "[" * 30_000], ids=repr)
async def test_a_frame_that_is_not_json_text_closes_with_1003(
    live: RunningServer, frame: bytes | str
) -> None:
    """Not "reconnect and catch up" (1013), which would have the client send it again,
    nor a connection dropped without a close frame."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=15) as http:
        token, headers = await new_user(http)
        sid = (await http.post("/chat/session", headers=headers)).json()["id"]
    async with open_socket(live, f"/ws/chat/{sid}", token) as page:
        await page.next("ready")
        await page.connection.send(frame)
        assert await page.closed_code() == 1003
