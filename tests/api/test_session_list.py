"""The customer's list of chats: by last activity, newest first, and paging through it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.orm import Session

from sunsupport.models import ChatSession, SessionStatus
from tests.support.api import make_staff, open_chat, say


async def listed(client: httpx.AsyncClient, user: dict, **params: int) -> list[str]:
    response = await client.get("/chat/sessions", params=params, headers=user["headers"])
    assert response.status_code == 200, response.text
    return [chat["id"] for chat in response.json()]


@pytest.mark.both_databases
async def test_a_chat_written_in_comes_to_the_top(client: httpx.AsyncClient, app, new_user) -> None:
    user = await new_user()
    operator = await make_staff(app, client)
    first = await open_chat(client, user)
    await say(client, user, first, "привет")
    second = await open_chat(client, user)
    await say(client, user, second, "позовите оператора")
    empty = await open_chat(client, user)  # no messages: its start is its activity
    assert await listed(client, user) == [empty, second, first]

    await say(client, user, first, "снова я")  # the user's message (and the bot's answer)
    assert await listed(client, user) == [first, empty, second]

    claimed = await client.post(f"/operator/sessions/{second}/claim", headers=operator["headers"])
    assert claimed.status_code == 200, claimed.text  # a handover note is a message too
    assert await listed(client, user) == [second, first, empty]

    await say(client, user, first, "ещё вопрос")
    reply = await client.post(
        f"/operator/sessions/{second}/message", headers=operator["headers"], json={"text": "Да?"}
    )
    assert reply.status_code == 201, reply.text  # an operator's reply
    chats = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert [chat["id"] for chat in chats] == [second, first, empty]
    # the time shown is the order's: the newest first
    times = [chat["last_message_at"] or chat["created_date"] for chat in chats]
    assert times == sorted(times, key=datetime.fromisoformat, reverse=True)


@pytest.mark.both_databases
async def test_a_cleared_chat_goes_back_to_when_it_started(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    first = await open_chat(client, user)
    await say(client, user, first, "привет")
    second = await open_chat(client, user)
    await say(client, user, second, "пока")
    await say(client, user, first, "ещё раз")
    assert await listed(client, user) == [first, second]
    cleared = await client.delete(f"/chat/history/{first}", headers=user["headers"])
    assert cleared.status_code == 204
    assert await listed(client, user) == [second, first]


@pytest.mark.both_databases
async def test_pages_of_equal_times_follow_the_ids_without_gaps_or_repeats(
    client: httpx.AsyncClient, app, new_user
) -> None:
    user, other = await new_user(), await new_user()
    started, moment = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    ids = [str(uuid.uuid4()) for _ in range(7)]

    def seed(session: Session) -> None:
        """Chats last written in at the same moment (not empty: «Новый чат» makes a new one),
        started in the opposite order of their ids."""
        for minutes, sid in enumerate(sorted(ids, reverse=True)):
            chat = ChatSession(
                id=sid, user_id=user["id"], created_date=started + timedelta(minutes=minutes)
            )
            chat.last_message_at, chat.status, chat.title = moment, SessionStatus.BOT, sid[:8]
            session.add(chat)

    await app.state.db.write(seed)
    await open_chat(client, other)
    newest = await open_chat(client, user)
    expected = [newest, *sorted(ids, reverse=True)]
    assert await listed(client, user) == expected
    pages = [await listed(client, user, limit=3, offset=offset) for offset in (0, 3, 6)]
    assert pages == [expected[0:3], expected[3:6], expected[6:8]]
    assert await listed(client, user, limit=3, offset=8) == []
