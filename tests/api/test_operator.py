"""Handoff to a human: conversation status, the operators' queue, claiming, roles."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sunsupport.chat.turns import HANDOFF_ON_THE_WAY, HANDOFF_QUEUED
from tests.support.api import make_staff, open_chat, say


async def status_of(client: httpx.AsyncClient, user: dict, sid: str) -> str:
    return (await client.get(f"/chat/session/{sid}", headers=user["headers"])).json()["status"]


async def test_asking_for_a_human_queues_the_conversation(
    client: httpx.AsyncClient, app, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    assert await status_of(client, user, sid) == "bot"
    posted = await say(client, user, sid, "позовите оператора, пожалуйста")
    assert posted["intent"] == "operator"
    # no operator has been seen recently: the user is told the request waits in a queue
    assert posted["answer"] == HANDOFF_QUEUED
    assert await status_of(client, user, sid) == "pending_human"


async def test_an_active_operator_is_on_the_way(client: httpx.AsyncClient, app, new_user) -> None:
    operator = await make_staff(app, client)
    await client.get("/operator/queue", headers=operator["headers"])  # the operator is present
    user = await new_user()
    sid = await open_chat(client, user)
    posted = await say(client, user, sid, "хочу поговорить с живым человеком")
    assert posted["answer"] == HANDOFF_ON_THE_WAY


async def test_the_bot_stays_silent_while_a_human_has_the_chat(
    client: httpx.AsyncClient, app, new_user
) -> None:
    operator = await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    waiting = await say(client, user, sid, "привет, есть кто?")
    assert waiting["answer"] is None and waiting["answer_id"] is None
    claim = await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])
    assert claim.status_code == 200 and claim.json()["status"] == "open"
    reply = await client.post(
        f"/operator/sessions/{sid}/message",
        headers=operator["headers"],
        json={"text": "Здравствуйте! Оператор Солнца на связи."},
    )
    assert reply.status_code == 201
    assert reply.json()["sender_type"] == "operator"
    during = await say(client, user, sid, "привет")
    assert during["answer"] is None
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert [m["sender_type"] for m in history] == [
        "user",
        "bot",
        "user",
        "system",
        "operator",
        "user",
    ]
    assert history[3]["event"] == "claimed" and history[4]["author_name"] == operator["username"]


@pytest.mark.both_databases
async def test_queue_lists_waiting_oldest_first_then_my_open_ones(
    client: httpx.AsyncClient, app, new_user
) -> None:
    me, other = await make_staff(app, client), await make_staff(app, client)
    sids = []
    for _ in range(4):
        user = await new_user()
        sid = await open_chat(client, user)
        await say(client, user, sid, "позовите оператора")
        sids.append(sid)
    await client.post(f"/operator/sessions/{sids[0]}/claim", headers=me["headers"])
    await client.post(f"/operator/sessions/{sids[1]}/claim", headers=other["headers"])
    queue = (await client.get("/operator/queue", headers=me["headers"])).json()
    assert [item["id"] for item in queue] == [sids[2], sids[3], sids[0]]
    assert [item["status"] for item in queue] == ["pending_human", "pending_human", "open"]
    assert all(item["username"] for item in queue)


@pytest.mark.both_databases
async def test_two_operators_racing_to_claim_one_wins(
    client: httpx.AsyncClient, app, new_user
) -> None:
    first, second = await make_staff(app, client), await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    responses = await asyncio.gather(
        client.post(f"/operator/sessions/{sid}/claim", headers=first["headers"]),
        client.post(f"/operator/sessions/{sid}/claim", headers=second["headers"]),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).json()["assignee_id"]
    assert winner in (first["id"], second["id"])


async def test_only_the_assignee_may_reply_release_or_resolve(
    client: httpx.AsyncClient, app, new_user
) -> None:
    owner, other = await make_staff(app, client), await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    # replying before claiming is refused
    early = await client.post(
        f"/operator/sessions/{sid}/message", headers=owner["headers"], json={"text": "Привет"}
    )
    assert early.status_code == 409
    await client.post(f"/operator/sessions/{sid}/claim", headers=owner["headers"])
    for action, body in (("message", {"text": "Я тоже тут"}), ("release", None), ("resolve", None)):
        response = await client.post(
            f"/operator/sessions/{sid}/{action}", headers=other["headers"], json=body
        )
        assert response.status_code == 403, action


async def test_release_hands_back_to_the_bot(client: httpx.AsyncClient, app, new_user) -> None:
    operator = await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])
    released = await client.post(f"/operator/sessions/{sid}/release", headers=operator["headers"])
    assert released.json()["status"] == "bot"
    assert (await say(client, user, sid, "привет"))["intent"] == "greeting"


@pytest.mark.both_databases
async def test_resolve_rate_and_reopen(client: httpx.AsyncClient, app, new_user) -> None:
    operator = await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    too_early = await client.post(
        f"/chat/session/{sid}/rating", headers=user["headers"], json={"rating": 5}
    )
    assert too_early.status_code == 409
    await say(client, user, sid, "позовите оператора")
    await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])
    resolved = await client.post(f"/operator/sessions/{sid}/resolve", headers=operator["headers"])
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_at"]
    rated = await client.post(
        f"/chat/session/{sid}/rating",
        headers=user["headers"],
        json={"rating": 5, "comment": "  Спасибо за солнце!  "},
    )
    assert rated.status_code == 200
    assert rated.json() == {"rating": 5, "comment": "Спасибо за солнце!"}
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": "пять"}, {}):
        response = await client.post(
            f"/chat/session/{sid}/rating", headers=user["headers"], json=bad
        )
        assert response.status_code == 422
    # writing in a resolved conversation reopens it with the bot
    again = await say(client, user, sid, "привет")
    assert again["answer"] and await status_of(client, user, sid) == "bot"


async def test_operators_may_read_any_history_users_only_their_own(
    client: httpx.AsyncClient, app, new_user
) -> None:
    operator = await make_staff(app, client)
    user, stranger = await new_user(), await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "привет")
    assert (
        await client.get(f"/chat/history/{sid}", headers=operator["headers"])
    ).status_code == 200
    assert (
        await client.get(f"/chat/history/{sid}", headers=stranger["headers"])
    ).status_code == 403
    # reading is all: staff cannot delete a user's history
    assert (
        await client.delete(f"/chat/history/{sid}", headers=operator["headers"])
    ).status_code == 403


STAFF_ENDPOINTS = [
    ("GET", "/operator/queue", None),
    ("GET", "/operator/canned", None),
    ("POST", "/operator/sessions/x/claim", None),
    ("POST", "/operator/sessions/x/message", {"text": "hi"}),
    ("POST", "/operator/sessions/x/release", None),
    ("POST", "/operator/sessions/x/resolve", None),
]
ADMIN_ENDPOINTS = [
    ("GET", "/admin/misunderstood", None),
    ("PATCH", "/admin/misunderstood/1", {"status": "dismissed"}),
    ("POST", "/admin/misunderstood/1/teach", {"intent": "greeting"}),
    ("GET", "/admin/intents", None),
    ("POST", "/admin/examples", {"intent": "greeting", "text": "хаюшки"}),
    ("GET", "/admin/stats", None),
    ("POST", "/admin/canned", {"shortcut": "hi", "text": "Привет"}),
    ("PUT", "/admin/canned/1", {"shortcut": "hi", "text": "Привет"}),
    ("DELETE", "/admin/canned/1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), STAFF_ENDPOINTS + ADMIN_ENDPOINTS)
async def test_staff_endpoints_refuse_users(
    client: httpx.AsyncClient, new_user, method, path, body
) -> None:
    user = await new_user()
    response = await client.request(method, path, headers=user["headers"], json=body)
    assert response.status_code == 403
    anonymous = await client.request(method, path, json=body)
    assert anonymous.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ENDPOINTS)
async def test_admin_endpoints_refuse_operators(
    client: httpx.AsyncClient, app, method, path, body
) -> None:
    operator = await make_staff(app, client)
    response = await client.request(method, path, headers=operator["headers"], json=body)
    assert response.status_code == 403


async def test_registration_never_makes_staff(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register",
        json={"username": "sneaky", "password": "password-1", "role": "admin"},
    )
    assert response.status_code in (201, 422)
    login = await client.post("/auth/login", json={"username": "sneaky", "password": "password-1"})
    if login.status_code == 200:
        me = await client.get(
            "/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert me.json()["role"] == "user"


def _metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_committed_chat_events_are_counted_in_metrics(
    client: httpx.AsyncClient, new_user
) -> None:
    before = (await client.get("/metrics")).text
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "сколько стоит биткоин")
    await say(client, user, sid, "позовите оператора")
    after = (await client.get("/metrics")).text
    assert (
        _metric(after, "sunsupport_handoffs_total")
        == _metric(before, "sunsupport_handoffs_total") + 1
    )
    assert (
        _metric(after, "sunsupport_bot_fallbacks_total")
        >= _metric(before, "sunsupport_bot_fallbacks_total") + 1
    )
    assert (
        _metric(after, 'sunsupport_messages_total{sender_type="user"}')
        == _metric(before, 'sunsupport_messages_total{sender_type="user"}') + 2
    )


async def test_a_conversation_nobody_handed_over_cannot_be_resolved(
    client: httpx.AsyncClient, app, new_user
) -> None:
    operator = await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "привет")
    refused = await client.post(f"/operator/sessions/{sid}/resolve", headers=operator["headers"])
    assert refused.status_code == 409
    assert (await client.get(f"/chat/session/{sid}", headers=user["headers"])).json()[
        "status"
    ] == "bot"
    await say(client, user, sid, "позовите оператора")  # waiting: any operator may close it
    closed = await client.post(f"/operator/sessions/{sid}/resolve", headers=operator["headers"])
    assert closed.status_code == 200 and closed.json()["status"] == "resolved"
