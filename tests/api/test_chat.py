from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest
from sqlalchemy import delete

from sunsupport.bot.seed import GOODBYE, GREETING
from sunsupport.models import ChatSession, Message, User
from tests.support.api import PASSWORD, open_chat, say
from tests.support.databases import (
    connections_held_by_requests,
    count_rows,
    failing,
    writer_held,
)


async def post_message(
    client: httpx.AsyncClient, user: dict, session_id: str, text: str
) -> httpx.Response:
    return await client.post(
        "/chat/message", headers=user["headers"], json={"session_id": session_id, "text": text}
    )


def is_aware_rfc3339(value: str) -> bool:
    parsed = datetime.fromisoformat(value)
    return parsed.tzinfo is not None and parsed.utcoffset() is not None


async def test_create_session_shape(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    response = await client.post("/chat/session", headers=user["headers"])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "user_id", "created_date"}
    assert body["user_id"] == user["id"]
    assert len(body["id"]) == 36 and body["id"].count("-") == 4
    assert is_aware_rfc3339(body["created_date"])


@pytest.mark.both_databases
async def test_message_gets_an_answer_and_both_are_stored(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await post_message(client, user, sid, "  Привет  ")
    assert response.status_code == 201
    body = response.json()
    assert body["answer"] == GREETING
    assert body["intent"] == "greeting"
    assert body["answer_id"] > body["message_id"]
    assert isinstance(body["suggestions"], list)
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert [(m["sender_type"], m["text"]) for m in history] == [
        ("user", "Привет"),  # trimmed
        ("bot", GREETING),
    ]
    assert [m["id"] for m in history] == [body["message_id"], body["answer_id"]]
    assert all(is_aware_rfc3339(m["sent_at"]) for m in history)


@pytest.mark.both_databases
async def test_history_keeps_the_quick_replies_offered_with_an_answer(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    unsure = await say(client, user, sid, "Солнце светит слабо")
    assert len(unsure["suggestions"]) == 2, unsure  # a clarification between two readings
    plain = await say(client, user, sid, "Пока")
    assert plain["suggestions"] == []
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert [(m["sender_type"], m["suggestions"]) for m in history] == [
        ("user", []),
        ("bot", unsure["suggestions"]),
        ("user", []),
        ("bot", []),
    ]


async def test_goodbye_keeps_the_seed_reply(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    assert (await post_message(client, user, sid, "ПОКА")).json()["answer"] == GOODBYE


@pytest.mark.parametrize(
    ("payload_extra", "status"),
    [
        ({}, 201),
        ({"sender_type": "user"}, 201),
        ({"sender_type": None}, 201),
        ({"sender_type": "bot"}, 403),
        ({"sender_type": "operator"}, 422),
        ({"sender_type": "other"}, 422),
        ({"sender_type": 1}, 422),
    ],
)
async def test_sender_type(client: httpx.AsyncClient, new_user, payload_extra, status) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await client.post(
        "/chat/message",
        headers=user["headers"],
        json={"session_id": sid, "text": "привет", **payload_extra},
    )
    assert response.status_code == status, response.text
    assert ("detail" in response.json()) == (status != 201)


async def test_client_cannot_store_a_bot_message(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    await client.post(
        "/chat/message",
        headers=user["headers"],
        json={"session_id": sid, "text": "fake", "sender_type": "bot"},
    )
    assert (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json() == []


@pytest.mark.both_databases
@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 2001, None, 42, ["a"], "nul\x00byte"])
async def test_message_text_is_validated(client: httpx.AsyncClient, new_user, text) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await client.post(
        "/chat/message", headers=user["headers"], json={"session_id": sid, "text": text}
    )
    assert response.status_code == 422


async def test_message_of_exactly_2000_characters_is_accepted(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await post_message(client, user, sid, "с" * 2000)
    assert response.status_code == 201


async def test_unknown_session_is_404(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await post_message(client, user, missing, "привет")).status_code == 404
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/chat/history/{missing}", headers=user["headers"])
        assert response.status_code == 404
        assert response.json()["detail"]


async def test_another_users_session_is_403(client: httpx.AsyncClient, new_user) -> None:
    owner, intruder = await new_user(), await new_user()
    sid = await open_chat(client, owner)
    await post_message(client, owner, sid, "привет")
    assert (await post_message(client, intruder, sid, "привет")).status_code == 403
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/chat/history/{sid}", headers=intruder["headers"])
        assert response.status_code == 403
    # the owner's history is untouched by the refused delete
    history = await client.get(f"/chat/history/{sid}", headers=owner["headers"])
    assert len(history.json()) == 2


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/chat/session"),
        ("GET", "/chat/sessions"),
        ("POST", "/chat/message"),
        ("GET", "/chat/history/x"),
        ("DELETE", "/chat/history/x"),
    ],
)
async def test_chat_endpoints_require_a_token(client: httpx.AsyncClient, method, path) -> None:
    response = await client.request(
        method, path, json={"session_id": "x", "text": "привет"} if method == "POST" else None
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_revoked_token_gets_401_even_with_an_invalid_body(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    empty = {"session_id": sid, "text": ""}
    refused = await client.post("/chat/message", json=empty, headers=user["headers"])
    assert refused.status_code == 422  # the account is fine: the body is the problem
    assert (await client.post("/auth/logout-all", headers=user["headers"])).status_code == 204
    as_bot = {"session_id": sid, "text": "привет", "sender_type": "bot"}
    for body in (empty, {"session_id": sid}, {}, as_bot):
        response = await client.post("/chat/message", json=body, headers=user["headers"])
        assert response.status_code == 401, body
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.both_databases
async def test_history_paging(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    for i in range(5):
        await post_message(client, user, sid, f"сообщение {i}")
    full = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert len(full) == 10
    assert [m["id"] for m in full] == sorted(m["id"] for m in full)
    last_page = (
        await client.get(f"/chat/history/{sid}", params={"limit": 4}, headers=user["headers"])
    ).json()
    assert last_page == full[-4:]
    before = (
        await client.get(
            f"/chat/history/{sid}",
            params={"limit": 4, "before_id": last_page[0]["id"]},
            headers=user["headers"],
        )
    ).json()
    assert before == full[-8:-4]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"before_id": -1}, {"limit": "x"}]
)
async def test_history_paging_is_validated(client: httpx.AsyncClient, new_user, params) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await client.get(f"/chat/history/{sid}", params=params, headers=user["headers"])
    assert response.status_code == 422


@pytest.mark.both_databases
async def test_delete_history_only_touches_that_session(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    first = await open_chat(client, user)
    await post_message(client, user, first, "привет")
    second = await open_chat(client, user)
    await post_message(client, user, second, "пока")
    response = await client.delete(f"/chat/history/{first}", headers=user["headers"])
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/chat/history/{first}", headers=user["headers"])).json() == []
    assert len((await client.get(f"/chat/history/{second}", headers=user["headers"])).json()) == 2


@pytest.mark.both_databases
async def test_sessions_list_newest_first_with_title(client: httpx.AsyncClient, new_user) -> None:
    user, other = await new_user(), await new_user()
    first = await open_chat(client, user)
    await post_message(client, user, first, "  Почему   нет солнца?  ")
    second = await open_chat(client, user)
    await open_chat(client, other)
    listed = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert [s["id"] for s in listed] == [second, first]
    assert listed[0]["title"] is None and listed[0]["last_message_at"] is None
    assert listed[1]["title"] == "Почему нет солнца?"
    assert is_aware_rfc3339(listed[1]["last_message_at"])
    assert set(listed[0]) == {"id", "created_date", "title", "last_message_at", "status", "unread"}
    assert listed[0]["status"] == "bot"
    page = (await client.get("/chat/sessions?limit=1&offset=1", headers=user["headers"])).json()
    assert [s["id"] for s in page] == [first]


async def test_long_first_message_gives_a_short_title(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    await post_message(client, user, sid, "солнце " * 100)
    title = (await client.get("/chat/sessions", headers=user["headers"])).json()[0]["title"]
    assert len(title) <= 80 and title.endswith("…")


async def test_a_first_message_names_its_chat_when_its_batch_runs_again(
    client: httpx.AsyncClient, app, new_user
) -> None:
    """SQLite's writer runs a batch again when one of its units fails (core.group_commit):
    the turn is stored by the second run, whole (a rerun taken out fails this)."""
    user = await new_user()
    sid = await open_chat(client, user)
    writer = app.state.db.writer
    reruns = writer.reruns
    async with writer_held(app.state.db) as held:
        posted = asyncio.ensure_future(post_message(client, user, sid, "Когда взойдёт солнце?"))
        await held.queued(1)  # the turn has read, thought, and waits for the writer
        failed = asyncio.ensure_future(app.state.db.write(failing))
        await held.queued(2)
    assert (await posted).status_code == 201
    with pytest.raises(LookupError):
        await failed
    assert writer.reruns - reruns == 1, "the batch did not run again"
    chats = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert chats[0]["title"] == "Когда взойдёт солнце?"
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert [m["sender_type"] for m in history] == ["user", "bot"]


@pytest.mark.both_databases
async def test_deleting_a_user_cascades_to_sessions_and_messages(
    client: httpx.AsyncClient, app, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    await post_message(client, user, sid, "привет")
    await app.state.db.write(
        lambda session: session.execute(delete(User).where(User.id == user["id"]))
    )
    assert await app.state.db.read(count_rows, ChatSession) == 0
    assert await app.state.db.read(count_rows, Message) == 0


@pytest.mark.both_databases
async def test_concurrent_writers_do_not_hit_database_is_locked(
    client: httpx.AsyncClient, new_user
) -> None:
    users = [await new_user() for _ in range(4)]
    sessions = [await open_chat(client, user) for user in users]
    responses = await asyncio.gather(
        *(
            post_message(client, user, sid, f"привет {n}")
            for n in range(10)
            for user, sid in zip(users, sessions, strict=True)
        )
    )
    assert [r.status_code for r in responses] == [201] * 40


class TestRateLimits:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"rate_limit_messages": "3/minute", "rate_limit_sessions": "2/minute"}

    async def test_messages_are_limited_per_user(self, client: httpx.AsyncClient, new_user) -> None:
        user, other = await new_user(), await new_user()
        sid = await open_chat(client, user)
        for _ in range(3):
            assert (await post_message(client, user, sid, "привет")).status_code == 201
        blocked = await post_message(client, user, sid, "привет")
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) >= 1
        # the refused message was not stored
        history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
        assert len(history) == 6
        other_sid = await open_chat(client, other)
        assert (await post_message(client, other, other_sid, "привет")).status_code == 201

    async def test_a_revoked_token_does_not_use_up_the_accounts_allowance(
        self, client: httpx.AsyncClient, new_user
    ) -> None:
        user = await new_user()
        sid = await open_chat(client, user)
        stolen = dict(user)
        assert (await client.post("/auth/logout-all", headers=user["headers"])).status_code == 204
        for _ in range(5):
            assert (await post_message(client, stolen, sid, "привет")).status_code == 401
        login = {"username": user["username"], "password": PASSWORD}
        token = (await client.post("/auth/login", json=login)).json()["access_token"]
        fresh = {**user, "headers": {"Authorization": f"Bearer {token}"}}
        for _ in range(3):
            assert (await post_message(client, fresh, sid, "привет")).status_code == 201

    async def test_session_creation_is_limited(self, client: httpx.AsyncClient, new_user) -> None:
        user = await new_user()
        for _ in range(2):
            assert (await client.post("/chat/session", headers=user["headers"])).status_code == 200
        blocked = await client.post("/chat/session", headers=user["headers"])
        assert blocked.status_code == 429
        assert "retry-after" in blocked.headers


@pytest.mark.both_databases
class TestReplyDelay:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"bot_reply_delay_seconds": 1.0}

    async def test_answer_waits_without_holding_a_connection(
        self, client: httpx.AsyncClient, app, new_user
    ) -> None:
        user = await new_user()
        sid = await open_chat(client, user)
        request = asyncio.create_task(post_message(client, user, sid, "привет"))
        stored = 0
        # The answer is committed before the pause starts. On a loaded machine the bot
        # itself may take a while, so wait for the commit as long as it takes.
        for _ in range(500):
            await asyncio.sleep(0.02)
            stored = await app.state.db.read(count_rows, Message, Message.session_id == sid)
            if stored == 2:
                break
        assert stored == 2
        assert not request.done()
        assert connections_held_by_requests(app.state.db) == 0
        response = await request
        assert response.status_code == 201
        assert response.json()["answer"] == GREETING


@pytest.mark.both_databases
async def test_feedback_on_bot_answers(client: httpx.AsyncClient, new_user) -> None:
    user, stranger = await new_user(), await new_user()
    sid = await open_chat(client, user)
    posted = await say(client, user, sid, "привет")
    url = f"/chat/message/{posted['answer_id']}/feedback"
    up = await client.post(url, headers=user["headers"], json={"value": 1})
    assert up.status_code == 200 and up.json() == {"message_id": posted["answer_id"], "value": 1}
    changed = await client.post(url, headers=user["headers"], json={"value": -1})
    assert changed.json()["value"] == -1
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert history[1]["feedback"] == -1 and history[0]["feedback"] is None
    # only the owner, only bot answers, only ±1
    foreign = await client.post(url, headers=stranger["headers"], json={"value": 1})
    assert foreign.status_code == 403
    own_message = f"/chat/message/{posted['message_id']}/feedback"
    assert (
        await client.post(own_message, headers=user["headers"], json={"value": 1})
    ).status_code == 422
    for value in (0, 2, "1", None):
        response = await client.post(url, headers=user["headers"], json={"value": value})
        assert response.status_code == 422
    missing = await client.post(
        "/chat/message/999999/feedback", headers=user["headers"], json={"value": 1}
    )
    assert missing.status_code == 404
