"""Visitors (the widget's passwordless accounts), the profile, and unread counts."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.api import PASSWORD, make_staff, new_visitor, open_chat, say


async def test_a_visitor_chats_like_a_user_and_reaches_nothing_of_staff(
    client: httpx.AsyncClient, app
) -> None:
    response = await client.post("/auth/visitor")
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"access_token", "token_type", "username"}
    assert body["token_type"] == "bearer"
    assert re.fullmatch(r"Гость \d{4}", body["display_name"])
    visitor = {**body, "headers": {"Authorization": f"Bearer {body['access_token']}"}}

    me = (await client.get("/auth/me", headers=visitor["headers"])).json()
    assert me["role"] == "visitor" and me["display_name"] == body["display_name"]
    assert me["username"] == body["username"] and me["email"] is None

    sid = await open_chat(client, visitor)
    assert (await say(client, visitor, sid, "Привет"))["answer"]
    assert (await say(client, visitor, sid, "позовите оператора"))["intent"] == "operator"
    for path in ("/operator/queue", "/admin/misunderstood", "/admin/stats", "/admin/canned"):
        assert (await client.get(path, headers=visitor["headers"])).status_code == 403
    claim = await client.post(f"/operator/sessions/{sid}/claim", headers=visitor["headers"])
    assert claim.status_code == 403

    operator = await make_staff(app, client)
    queue = (await client.get("/operator/queue", headers=operator["headers"])).json()
    item = next(i for i in queue if i["id"] == sid)
    assert item["visitor"] is True and item["display_name"] == body["display_name"]

    # nobody can log in as a visitor: there is no password to guess
    for password in ("", "x" * 8, PASSWORD):
        login = await client.post(
            "/auth/login", json={"username": body["username"], "password": password or "-"}
        )
        assert login.status_code == 401


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_visitors": "2/hour"}])
async def test_new_visitors_are_limited_per_address(client: httpx.AsyncClient) -> None:
    assert (await client.post("/auth/visitor")).status_code == 201
    assert (await client.post("/auth/visitor")).status_code == 201
    refused = await client.post("/auth/visitor")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


async def test_the_profile_is_changed_field_by_field(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    headers = user["headers"]
    changed = await client.patch("/auth/me", headers=headers, json={"email": "Ivan@Example.com"})
    assert changed.status_code == 200
    assert changed.json()["email"] == "Ivan@example.com"  # the domain is normalised
    assert changed.json()["display_name"] == user["username"]
    named = await client.patch("/auth/me", headers=headers, json={"display_name": "  Иван  "})
    assert named.json() == {**changed.json(), "display_name": "Иван"}
    assert (await client.get("/auth/me", headers=headers)).json() == named.json()

    for bad in (
        {"email": "not-an-email"},
        {"email": "a@b"},
        {"display_name": ""},
        {"display_name": "x" * 65},
        {"role": "admin"},
    ):
        response = await client.patch("/auth/me", headers=headers, json=bad)
        assert response.status_code == 422, bad
    cleared = await client.patch("/auth/me", headers=headers, json={"email": None})
    assert cleared.json()["email"] is None and cleared.json()["display_name"] == "Иван"
    assert (await client.patch("/auth/me", json={"email": "a@example.com"})).status_code == 401


@pytest.mark.both_databases
async def test_a_visitor_who_registers_keeps_their_chats(
    client: httpx.AsyncClient, app, database_kind: str
) -> None:
    visitor = await new_visitor(client)
    sid = await open_chat(client, visitor)
    await say(client, visitor, sid, "Привет")
    await client.patch("/auth/me", headers=visitor["headers"], json={"email": "v@example.com"})

    registered = await client.post(
        "/auth/register",
        headers=visitor["headers"],
        json={"username": "sunny_fan", "password": PASSWORD},
    )
    assert registered.status_code == 201
    login = await client.post("/auth/login", json={"username": "sunny_fan", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = (await client.get("/auth/me", headers=headers)).json()
    assert me["id"] == registered.json()["id"]
    assert me["role"] == "user" and me["display_name"] == "sunny_fan"
    assert me["email"] == "v@example.com"
    sessions = (await client.get("/chat/sessions", headers=headers)).json()
    assert [s["id"] for s in sessions] == [sid]
    # the widget's long-lived visitor token no longer opens the account
    assert (await client.get("/auth/me", headers=visitor["headers"])).status_code == 401

    # a taken name is refused and the visitor stays a visitor
    other = await new_visitor(client)
    taken = await client.post(
        "/auth/register",
        headers=other["headers"],
        json={"username": "SUNNY_FAN", "password": PASSWORD},
    )
    assert taken.status_code == 409
    assert (await client.get("/auth/me", headers=other["headers"])).json()["role"] == "visitor"

    # a user's token (or a broken one) changes nothing: a plain new account
    for token in (headers["Authorization"], "Bearer broken"):
        fresh = await client.post(
            "/auth/register",
            headers={"Authorization": token},
            json={"username": f"fresh{len(token)}", "password": PASSWORD},
        )
        assert fresh.status_code == 201 and fresh.json()["id"] != me["id"]


async def test_a_revoked_visitor_token_cannot_claim_the_account(
    client: httpx.AsyncClient,
) -> None:
    """Signed out everywhere, a (perhaps stolen) widget token must not give the visitor's
    chats and email a password of someone else's choosing."""
    visitor = await new_visitor(client)
    sid = await open_chat(client, visitor)
    await say(client, visitor, sid, "Привет")
    renewed = await client.post("/auth/visitor/renew", headers=visitor["headers"])
    assert renewed.status_code == 200
    assert (await client.post("/auth/logout-all", headers=visitor["headers"])).status_code == 204

    taken_over = await client.post(
        "/auth/register",
        headers=visitor["headers"],
        json={"username": "thief_1", "password": PASSWORD},
    )
    assert taken_over.status_code == 201  # a plain new account, nothing of the visitor's
    login = await client.post("/auth/login", json={"username": "thief_1", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/chat/sessions", headers=headers)).json() == []
    assert (await client.get(f"/chat/history/{sid}", headers=headers)).status_code == 403


@pytest.mark.both_databases
async def test_operator_replies_are_unread_until_the_owner_reads_them(
    client: httpx.AsyncClient, app, new_user, database_kind: str
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    other_sid = await open_chat(client, user)
    operator = await make_staff(app, client)
    await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])
    for text in ("Здравствуйте!", "Смотрю ваш вопрос"):
        reply = await client.post(
            f"/operator/sessions/{sid}/message", headers=operator["headers"], json={"text": text}
        )
        assert reply.status_code == 201

    async def unread() -> dict[str, int]:
        listed = (await client.get("/chat/sessions", headers=user["headers"])).json()
        return {s["id"]: s["unread"] for s in listed}

    # the note "an operator joined" and the two replies; the bot's answers are not unread
    assert await unread() == {sid: 3, other_sid: 0}
    # staff reading the conversation is not its owner reading it
    assert (
        await client.post(f"/chat/session/{sid}/read", headers=operator["headers"])
    ).status_code == 403
    stranger = await new_user()
    assert (
        await client.post(f"/chat/session/{sid}/read", headers=stranger["headers"])
    ).status_code == 403
    assert (
        await client.post("/chat/session/nope/read", headers=user["headers"])
    ).status_code == 404

    read = await client.post(f"/chat/session/{sid}/read", headers=user["headers"])
    assert read.status_code == 200 and read.json()["unread"] == 0
    assert await unread() == {sid: 0, other_sid: 0}
    empty = await client.post(f"/chat/session/{other_sid}/read", headers=user["headers"])
    assert empty.json()["read_message_id"] is None

    await client.post(
        f"/operator/sessions/{sid}/message", headers=operator["headers"], json={"text": "Готово"}
    )
    assert (await unread())[sid] == 1


async def test_a_visitor_deletes_their_account_without_a_password(
    client: httpx.AsyncClient, new_user
) -> None:
    visitor = await new_visitor(client)
    sid = await open_chat(client, visitor)
    await say(client, visitor, sid, "Привет")
    deleted = await client.request("DELETE", "/auth/me", headers=visitor["headers"])
    assert deleted.status_code == 204
    assert (await client.get("/auth/me", headers=visitor["headers"])).status_code == 401
    user = await new_user()  # a user still has to repeat the password
    refused = await client.request("DELETE", "/auth/me", headers=user["headers"])
    assert refused.status_code == 422


async def test_a_returning_visitor_gets_a_fresh_token_for_the_same_account(
    client: httpx.AsyncClient, new_user
) -> None:
    visitor = await new_visitor(client)
    sid = await open_chat(client, visitor)
    renewed = await client.post("/auth/visitor/renew", headers=visitor["headers"])
    assert renewed.status_code == 200
    body = renewed.json()
    assert (
        body["username"] == visitor["username"] and body["access_token"] != visitor["access_token"]
    )
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert [s["id"] for s in (await client.get("/chat/sessions", headers=headers)).json()] == [sid]
    user = await new_user()
    assert (await client.post("/auth/visitor/renew", headers=user["headers"])).status_code == 403
    assert (await client.post("/auth/visitor/renew")).status_code == 401
