"""Fast and fair: nothing slow inside a write, one conversation's turns in strict order,
bounded CPU work, and no single person taking the server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from sunsupport.knowledge.runner import INLINE_TEXT_LIMIT
from tests.support.api import PASSWORD, open_chat, say


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Something a worker thread waits on; always opened at the end."""
    event = threading.Event()
    yield event
    event.set()


async def _until(condition, seconds: float = 10) -> None:
    """Wait (by polling, without a time budget of the behaviour itself) for ``condition``."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


@pytest.mark.both_databases
async def test_turns_of_one_conversation_are_stored_in_strict_order(
    client: httpx.AsyncClient, new_user
) -> None:
    """Many messages at once in one conversation: none lost, none twice, and each answer
    right after its question."""
    user = await new_user()
    sid = await open_chat(client, user)
    texts = [f"привет номер {n}" for n in range(20)]
    posted = await asyncio.gather(*(say(client, user, sid, text) for text in texts))
    history = (
        await client.get(f"/chat/history/{sid}", headers=user["headers"], params={"limit": 100})
    ).json()
    assert [m["sender_type"] for m in history] == ["user", "bot"] * 20
    assert sorted(m["text"] for m in history[::2]) == sorted(texts)
    ids = [m["id"] for m in history]
    assert ids == sorted(ids) and len(set(ids)) == 40
    assert {(p["message_id"], p["answer_id"]) for p in posted} == {
        (history[i]["id"], history[i + 1]["id"]) for i in range(0, 40, 2)
    }


async def test_password_hashing_holds_nothing_other_users_wait_for(
    client: httpx.AsyncClient, app, new_user, gate: threading.Event, monkeypatch
) -> None:
    """A registration stuck in Argon2 does not hold up another user's message."""
    user = await new_user()
    sid = await open_chat(client, user)
    hasher = app.state.passwords._hasher
    real_hash = hasher.hash
    started = threading.Event()

    def stuck(password: str) -> str:
        started.set()
        gate.wait(30)
        return real_hash(password)

    monkeypatch.setattr(hasher, "hash", stuck)
    registering = asyncio.create_task(
        client.post("/auth/register", json={"username": "slowpoke", "password": PASSWORD})
    )
    await _until(started.is_set)
    assert (await say(client, user, sid, "привет"))["answer"]
    assert not registering.done()
    gate.set()
    assert (await registering).status_code == 201


async def test_a_long_text_holds_nothing_other_users_wait_for(
    client: httpx.AsyncClient, app, new_user, gate: threading.Event, monkeypatch
) -> None:
    """The bot thinking about a long text (in its pool) does not hold up others."""
    slow_user, other = await new_user(), await new_user()
    slow_sid, other_sid = await open_chat(client, slow_user), await open_chat(client, other)
    bot = app.state.bot_keeper.bot
    real_answer = bot.answer
    started = threading.Event()

    def stuck(text, state, now=None):
        if len(text) > INLINE_TEXT_LIMIT:
            started.set()
            gate.wait(30)
        return real_answer(text, state, now)

    monkeypatch.setattr(bot, "answer", stuck)
    long_text = "почему солнце не светит " * 20
    thinking = asyncio.create_task(say(client, slow_user, slow_sid, long_text))
    await _until(started.is_set)
    assert (await say(client, other, other_sid, "привет"))["answer"]
    assert not thinking.done()
    gate.set()
    assert (await thinking)["answer"]


async def test_a_downvote_reuses_the_answers_guesses(
    client: httpx.AsyncClient, app, new_user, monkeypatch
) -> None:
    from tests.support.api import make_staff

    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    answer = await say(client, user, sid, "привет")
    bot = app.state.bot_keeper.bot

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("a downvote must not run the bot")

    monkeypatch.setattr(bot, "answer", must_not_run)
    voted = await client.post(
        f"/chat/message/{answer['answer_id']}/feedback",
        headers=user["headers"],
        json={"value": -1},
    )
    assert voted.status_code == 200
    inbox = (await client.get("/admin/misunderstood", headers=admin["headers"])).json()
    assert inbox[0]["reason"] == "downvote"
    assert inbox[0]["guesses"][0]["intent"] == "greeting"


async def test_one_users_flood_waits_its_turn(client: httpx.AsyncClient, app, new_user) -> None:
    """A user's requests beyond the running few wait, and beyond the queue get 429."""
    gates = app.state.user_gates
    user = await new_user()
    held = [gates.turn(f"user:{user['id']}") for _ in range(gates.running + gates.waiting)]
    entered = [asyncio.create_task(turn.__aenter__()) for turn in held[: gates.running]]
    await asyncio.gather(*entered)
    waiting = [asyncio.create_task(turn.__aenter__()) for turn in held[gates.running :]]
    await asyncio.sleep(0)
    refused = await client.get("/auth/me", headers=user["headers"])
    assert refused.status_code == 429 and "retry-after" in refused.headers
    for turn in held[: gates.running]:
        await turn.__aexit__(None, None, None)
    for task, turn in zip(waiting, held[gates.running :], strict=True):
        await task  # the waiting ones get their turn, in order
        await turn.__aexit__(None, None, None)
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 200


class TestNewLimits:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {
            "rate_limit_registrations": "3/minute",
            "rate_limit_bot_parse": "2/minute",
            "rate_limit_feedback": "2/minute",
        }

    async def test_registrations_are_limited_per_address(self, client: httpx.AsyncClient) -> None:
        codes = [
            (
                await client.post(
                    "/auth/register", json={"username": f"limited{n}", "password": PASSWORD}
                )
            ).status_code
            for n in range(4)
        ]
        assert codes == [201, 201, 201, 429]

    async def test_bot_parse_is_limited_per_user(self, client: httpx.AsyncClient, new_user) -> None:
        user = await new_user()
        codes = [
            (
                await client.post("/bot/parse", headers=user["headers"], json={"text": "привет"})
            ).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]

    async def test_feedback_is_limited_per_user(self, client: httpx.AsyncClient, new_user) -> None:
        user = await new_user()
        session = (await client.post("/chat/session", headers=user["headers"])).json()["id"]
        body = {"session_id": session, "text": "привет"}
        posted = await client.post("/chat/message", headers=user["headers"], json=body)
        url = f"/chat/message/{posted.json()['answer_id']}/feedback"
        codes = [
            (await client.post(url, headers=user["headers"], json={"value": v})).status_code
            for v in (1, -1, 1)
        ]
        assert codes == [200, 200, 429]
        other = await new_user()  # the limit is the user's own
        session = (await client.post("/chat/session", headers=other["headers"])).json()["id"]
        body = {"session_id": session, "text": "привет"}
        posted = await client.post("/chat/message", headers=other["headers"], json=body)
        url = f"/chat/message/{posted.json()['answer_id']}/feedback"
        assert (
            await client.post(url, headers=other["headers"], json={"value": 1})
        ).status_code == 200
