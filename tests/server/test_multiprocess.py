"""Two real server processes on one PostgreSQL database: live events, the operators'
queue, taught phrasings and the login throttle work across processes."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.live import Socket, create_staff, login, new_user
from tests.support.postgres import fresh_database
from tests.support.servers import RunningServer, start_server, stop_server

pytestmark = [pytest.mark.server, pytest.mark.postgres]


@pytest.fixture(scope="module", params=["postgres", "redis"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, RunningServer]]:
    prefix = f"test{uuid.uuid4().hex[:10]}"
    with fresh_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "shared-" + uuid.uuid4().hex * 2,
            "LIVE_BACKEND": request.param,
            "LIVE_CHANNEL_PREFIX": prefix,
            "RATE_LIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "RATE_LIMIT_KEY_PREFIX": prefix,
            "RATE_LIMIT_LOGIN_FAILURES": "3/minute",
        }
        if request.param == "redis":
            env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        first = start_server(tmp_path_factory.mktemp("a"), env)
        try:
            second = start_server(tmp_path_factory.mktemp("b"), env)
        except Exception:
            stop_server(first)
            raise
        yield first, second
        stop_server(second)
        stop_server(first)


def ws_url(server: RunningServer, path: str) -> str:
    return server.base_url.replace("http://", "ws://") + path


async def test_a_message_stored_by_one_process_reaches_a_socket_on_the_other(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=15) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=15) as http_b,
    ):
        token, headers = await new_user(http_a)
        sid = (await http_a.post("/chat/session", headers=headers)).json()["id"]
        operator = create_staff(a)
        op_headers = await login(http_b, operator)
        op_token = op_headers["Authorization"].split()[1]
        async with (
            connect(ws_url(b, f"/ws/chat/{sid}")) as page_conn,
            connect(ws_url(b, "/ws/staff")) as staff_conn,
        ):
            page, staff = Socket(page_conn), Socket(staff_conn)
            await page_conn.send(json.dumps({"type": "auth", "token": token}))
            await staff_conn.send(json.dumps({"type": "auth", "token": op_token}))
            await page.next("ready")
            await staff.next("ready")
            posted = await http_a.post(
                "/chat/message", headers=headers, json={"session_id": sid, "text": "привет"}
            )
            await page.next("message", id=posted.json()["message_id"])
            await page.next("message", id=posted.json()["answer_id"])
            # a handoff requested through A appears in the console served by B
            await http_a.post(
                "/chat/message",
                headers=headers,
                json={"session_id": sid, "text": "позовите оператора"},
            )
            await staff.next("session", id=sid, status="pending_human")
            queue = (await http_b.get("/operator/queue", headers=op_headers)).json()
            assert sid in [item["id"] for item in queue]
            assert (
                await http_b.post(f"/operator/sessions/{sid}/claim", headers=op_headers)
            ).status_code == 200
            assert (
                await http_a.post(f"/operator/sessions/{sid}/claim", headers=op_headers)
            ).status_code == 200  # the same operator again: harmless on either process


async def test_a_phrasing_taught_on_one_process_is_used_by_the_other(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    a, b = pair
    admin = create_staff(a, "admin")
    phrase = "где взять чек для бухгалтерии"
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=15) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=15) as http_b,
    ):
        _, headers = await new_user(http_b)
        sid = (await http_b.post("/chat/session", headers=headers)).json()["id"]
        admin_headers = await login(http_a, admin)
        taught = await http_a.post(
            "/admin/examples", headers=admin_headers, json={"intent": "pricing", "text": phrase}
        )
        assert taught.status_code == 201
        for _ in range(50):  # the broadcast is asynchronous; it lands within moments
            answer = await http_b.post(
                "/chat/message", headers=headers, json={"session_id": sid, "text": phrase}
            )
            if answer.json()["intent"] == "pricing":
                break
            await asyncio.sleep(0.1)
        assert answer.json()["intent"] == "pricing"


async def test_one_conversation_written_by_two_processes_keeps_strict_order(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    """Turns of one conversation posted at once through both processes: the version check
    makes the later one think again, so none is lost and each answer follows its question."""
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=30) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=30) as http_b,
    ):
        _, headers = await new_user(http_a)
        sid = (await http_a.post("/chat/session", headers=headers)).json()["id"]
        texts = [f"привет номер {n}" for n in range(16)]
        posted = await asyncio.gather(
            *(
                (http_a if n % 2 else http_b).post(
                    "/chat/message", headers=headers, json={"session_id": sid, "text": text}
                )
                for n, text in enumerate(texts)
            )
        )
        assert [r.status_code for r in posted] == [201] * 16
        history = (
            await http_a.get(f"/chat/history/{sid}", headers=headers, params={"limit": 100})
        ).json()
    assert [m["sender_type"] for m in history] == ["user", "bot"] * 16
    assert sorted(m["text"] for m in history[::2]) == sorted(texts)


async def test_a_message_too_big_for_one_notify_is_stored_and_delivered(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    """2 000 four-byte characters are over NOTIFY's 8 000-byte limit: the message is
    stored (201) and reaches the other process's socket whole."""
    a, b = pair
    text = "𝕏" * 2000
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=15) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=15) as http_b,
    ):
        token, headers = await new_user(http_a)
        sid = (await http_a.post("/chat/session", headers=headers)).json()["id"]
        async with connect(ws_url(b, f"/ws/chat/{sid}")) as connection:
            await connection.send(json.dumps({"type": "auth", "token": token}))
            socket = Socket(connection)
            await socket.next("ready")
            posted = await http_a.post(
                "/chat/message", headers=headers, json={"session_id": sid, "text": text}
            )
            assert posted.status_code == 201
            frame = await socket.next("message", id=posted.json()["message_id"])
            assert frame["message"]["text"] == text
        history = (await http_b.get(f"/chat/history/{sid}", headers=headers)).json()
        assert history[0]["text"] == text


async def test_the_login_throttle_counts_across_processes(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    """Last in this module: the failures it records block logins from this address."""
    a, b = pair
    username = "victim" + uuid.uuid4().hex[:6]
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=15) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=15) as http_b,
    ):
        await http_a.post("/auth/register", json={"username": username, "password": "right-pass-1"})
        wrong = {"username": username, "password": "wrong-pass-1"}
        assert (await http_a.post("/auth/login", json=wrong)).status_code == 401
        assert (await http_b.post("/auth/login", json=wrong)).status_code == 401
        assert (await http_a.post("/auth/login", json=wrong)).status_code == 401
        blocked = await http_b.post(
            "/auth/login", json={"username": username, "password": "right-pass-1"}
        )
        assert blocked.status_code == 429
        assert "retry-after" in blocked.headers
