"""Visitor accounts nobody can use any more (token run out, no page open since, no
conversation left) are deleted; every other account stays."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from sunsupport.core.timeutil import utcnow
from sunsupport.models import AuditEntry, User
from sunsupport.privacy import idle_visitors
from tests.support.api import open_chat
from tests.support.databases import count_rows

pytestmark = pytest.mark.both_databases


async def visitor(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    response = await client.post("/auth/visitor")
    assert response.status_code == 201
    body = response.json()
    return body["username"], {"Authorization": f"Bearer {body['access_token']}"}


async def age(app: FastAPI, username: str, days: int, *, live_days: int | None = None) -> None:
    """Pretend the account was made ``days`` ago (and last had a page open
    ``live_days`` ago)."""
    now = utcnow()
    live_until = now - timedelta(days=live_days) if live_days is not None else None
    await app.state.db.write(
        lambda s: s.execute(
            update(User)
            .where(User.username == username)
            .values(created_at=now - timedelta(days=days), live_until=live_until)
        )
    )


async def test_only_visitors_nobody_can_use_are_forgotten(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    idle, idle_headers = await visitor(client)
    await age(app, idle, 31)
    seen_lately, _ = await visitor(client)
    await age(app, seen_lately, 31, live_days=2)
    chatting, chatting_headers = await visitor(client)
    await open_chat(client, {"headers": chatting_headers})
    await age(app, chatting, 31)
    fresh, _ = await visitor(client)
    user = await new_user()
    await age(app, user["username"], 400)
    db = app.state.db

    assert await idle_visitors.forget(db, 30) == 1

    names = {u.username for u in await db.read(lambda s: list(s.query(User)))}
    assert idle not in names
    assert {seen_lately, chatting, fresh, user["username"]} <= names
    assert (await client.get("/auth/me", headers=idle_headers)).status_code == 401
    entries = AuditEntry.action == "retention.visitors_forgotten"
    assert await db.read(count_rows, AuditEntry, entries) == 1
    assert await idle_visitors.forget(db, 30) == 0  # nothing left to do: no new entry
    assert await db.read(count_rows, AuditEntry, entries) == 1


async def test_a_visitor_who_renewed_their_token_is_kept_while_it_lives(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Made 31 days ago, never a page open, no chat, but back a moment ago for a new token
    (good for another 30 days): the account stays, and the new token opens it."""
    returning, headers = await visitor(client)
    await age(app, returning, 31)
    renewed = await client.post("/auth/visitor/renew", headers=headers)
    assert renewed.status_code == 200
    assert await idle_visitors.forget(app.state.db, 30) == 0
    new_headers = {"Authorization": f"Bearer {renewed.json()['access_token']}"}
    assert (await client.get("/auth/me", headers=new_headers)).status_code == 200
