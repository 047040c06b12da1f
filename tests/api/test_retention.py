"""Retention: conversations last written to before RETENTION_DAYS go, with their
messages and inbox items; the daily run is claimed by one process only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from sunsupport.core import leases
from sunsupport.core.timeutil import utcnow
from sunsupport.models import AuditEntry, ChatSession, Message, MisunderstoodItem
from sunsupport.privacy import retention
from tests.support.api import open_chat, say
from tests.support.databases import count_rows

pytestmark = pytest.mark.both_databases


async def age(app: FastAPI, session_id: str, days: int) -> None:
    """Pretend the conversation was last written to ``days`` ago."""
    then = utcnow() - timedelta(days=days)
    await app.state.db.write(
        lambda s: s.execute(
            update(ChatSession)
            .where(ChatSession.id == session_id)
            .values(last_message_at=then, created_date=then)
        )
    )


async def test_purge_deletes_old_conversations_with_messages_and_inbox_items(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    old = await open_chat(client, user)
    await say(client, user, old, "рецепт борща")
    recent = await open_chat(client, user)
    await say(client, user, recent, "рецепт борща")
    empty_old = await open_chat(client, user)  # one empty chat at a time: this one
    await age(app, old, 40)
    await age(app, empty_old, 31)
    db = app.state.db

    dry = await retention.purge(db, 30, dry_run=True, trigger="test")
    assert (dry.conversations, dry.messages) == (2, 2)
    assert await db.read(count_rows, ChatSession) == 3  # a dry run deletes nothing

    report = await retention.purge(db, 30, trigger="test")

    assert (report.conversations, report.messages, report.inbox_items) == (2, 2, 1)
    sessions = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert [s["id"] for s in sessions] == [recent]
    assert await db.read(count_rows, Message, Message.session_id == old) == 0
    assert await db.read(count_rows, MisunderstoodItem) == 1
    assert await db.read(count_rows, AuditEntry, AuditEntry.action == "retention.purged") == 1


async def test_purge_works_in_batches(
    app: FastAPI, client: httpx.AsyncClient, new_user, monkeypatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    user = await new_user()
    for _ in range(5):
        sid = await open_chat(client, user)
        await say(client, user, sid, "привет")
        await age(app, sid, 10)
    report = await retention.purge(app.state.db, 5, trigger="test")
    assert report.conversations == 5
    assert await app.state.db.read(count_rows, ChatSession) == 0
    entries = await app.state.db.read(count_rows, AuditEntry)
    assert entries == 1  # one purge, one entry, whatever the number of batches


async def test_only_one_of_many_claims_wins_the_daily_lease(app: FastAPI) -> None:
    now = utcnow()
    day = timedelta(days=1)
    results = await asyncio.gather(
        *(app.state.db.write(leases.claim, "retention", now, day, f"p{n}") for n in range(6))
    )
    assert sorted(results) == [False] * 5 + [True]
    later = now + timedelta(hours=23)
    assert not await app.state.db.write(leases.claim, "retention", later, day, "p9")
    tomorrow = now + day
    assert await app.state.db.write(leases.claim, "retention", tomorrow, day, "p9")
