"""Signing in from a reply email's link (``POST /auth/email-link``): the key opens the
account it was made for, for a while, and nothing else."""

from __future__ import annotations

import httpx
import jwt
import pytest
from fastapi import FastAPI

from sunsupport.core.security import create_email_link_key
from tests.support.api import PASSWORD, new_visitor, open_chat, say


def key_for(app: FastAPI, me: dict, sid: str, *, days: int = 7, visitor: bool = False) -> str:
    """The key a reply email about ``sid`` would carry (as the mail worker makes it)."""
    settings = app.state.settings
    return create_email_link_key(
        me["id"], settings.secret_key, days, me["tv"], sid, visitor=visitor
    )


async def whoami(client: httpx.AsyncClient, headers: dict) -> dict:
    me = (await client.get("/auth/me", headers=headers)).json()
    claims = jwt.decode(headers["Authorization"][7:], options={"verify_signature": False})
    return {**me, "tv": claims.get("tv", 0)}


async def redeem(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.post("/auth/email-link", json={"key": key})


async def test_a_visitors_key_gives_a_visitor_token_that_reads_the_conversation(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    visitor = await new_visitor(client)
    sid = await open_chat(client, visitor)
    await say(client, visitor, sid, "Когда восход?")
    key = key_for(app, await whoami(client, visitor["headers"]), sid, visitor=True)

    response = await redeem(client, key)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    history = await client.get(f"/chat/history/{sid}", headers=headers)
    assert history.status_code == 200 and "Когда восход?" in history.text
    # a visitor token: the widget renews it like its own
    assert (await client.post("/auth/visitor/renew", headers=headers)).status_code == 200

    # the key itself is no token
    as_bearer = {"Authorization": f"Bearer {key}"}
    for path in ("/auth/me", f"/chat/history/{sid}"):
        assert (await client.get(path, headers=as_bearer)).status_code == 401


async def test_bad_expired_and_revoked_keys_are_refused(
    client: httpx.AsyncClient, app: FastAPI, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    me = await whoami(client, user["headers"])
    good = key_for(app, me, sid)
    assert (await redeem(client, good)).status_code == 200

    expired = key_for(app, me, sid, days=-1)
    head, payload, signature = good.split(".")
    tampered = f"{head}.{payload}.{signature[::-1]}"
    foreign = jwt.encode(jwt.decode(good, options={"verify_signature": False}), "x" * 32)
    for key in (expired, tampered, foreign, user["token"], "not-a-key"):
        response = await redeem(client, key)
        assert response.status_code == 401, key
        assert response.json()["detail"] == "The link is invalid or has expired"

    # sign out everywhere: the keys already sent by email stop working too
    assert (await client.post("/auth/logout-all", headers=user["headers"])).status_code == 204
    response = await redeem(client, good)
    assert response.status_code == 401
    assert response.json()["detail"] == "The link no longer works; sign in again"


async def test_a_visitors_key_dies_when_the_visitor_registers_or_is_deleted(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    registered = await new_visitor(client)
    sid = await open_chat(client, registered)
    key = key_for(app, await whoami(client, registered["headers"]), sid, visitor=True)
    response = await client.post(
        "/auth/register",
        headers=registered["headers"],
        json={"username": "former_guest", "password": PASSWORD},
    )
    assert response.status_code == 201
    assert (await redeem(client, key)).status_code == 401  # no way into a password account

    deleted = await new_visitor(client)
    sid = await open_chat(client, deleted)
    key = key_for(app, await whoami(client, deleted["headers"]), sid, visitor=True)
    gone = await client.request("DELETE", "/auth/me", headers=deleted["headers"], json={})
    assert gone.status_code == 204, gone.text
    assert (await redeem(client, key)).status_code == 401


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_login_failures": "1/minute"}])
async def test_guessing_keys_is_throttled_per_address(client: httpx.AsyncClient) -> None:
    statuses = [(await redeem(client, f"guess-{n}")).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]  # five per address (five times the per-pair limit)
    assert (await client.post("/auth/email-link", json={})).status_code == 422
