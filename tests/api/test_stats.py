"""Support statistics for the admin page."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunsupport.core.timeutil import utcnow
from sunsupport.models import ConversationDay, DailyIntent
from sunsupport.stats import repository as stats_repository
from sunsupport.stats import service as stats
from tests.support.api import make_staff, open_chat, say

OUT_OF_SCOPE = "сколько стоит биткоин"


@pytest.mark.both_databases
async def test_stats(client: httpx.AsyncClient, app, new_user) -> None:
    admin, operator = await make_staff(app, client, "admin"), await make_staff(app, client)
    bot_only, handed = await new_user(), await new_user()
    sid_bot = await open_chat(client, bot_only)
    greeting = await say(client, bot_only, sid_bot, "привет")
    await say(client, bot_only, sid_bot, OUT_OF_SCOPE)
    await client.post(
        f"/chat/message/{greeting['answer_id']}/feedback",
        headers=bot_only["headers"],
        json={"value": 1},
    )
    sid_human = await open_chat(client, handed)
    await say(client, handed, sid_human, "позовите оператора")
    await client.post(f"/operator/sessions/{sid_human}/claim", headers=operator["headers"])
    await client.post(
        f"/operator/sessions/{sid_human}/message", headers=operator["headers"], json={"text": "Да?"}
    )
    await client.post(f"/operator/sessions/{sid_human}/resolve", headers=operator["headers"])
    await client.post(
        f"/chat/session/{sid_human}/rating", headers=handed["headers"], json={"rating": 4}
    )

    stats = (await client.get("/admin/stats", headers=admin["headers"])).json()
    assert stats["conversations"] == 2
    assert stats["messages"] == 7  # 3 user + 3 bot + 1 operator
    assert (stats["user_messages"], stats["bot_messages"], stats["operator_messages"]) == (3, 3, 1)
    assert stats["fallback_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert stats["handoff_rate"] == 0.5 and stats["self_service_rate"] == 0.5
    assert stats["median_first_response_seconds"] is not None
    assert (stats["thumbs_up"], stats["thumbs_down"]) == (1, 0)
    assert stats["average_rating"] == 4 and stats["ratings"] == 1
    top = {row["intent"]: row["count"] for row in stats["top_intents"]}
    assert top == {"greeting": 1, "fallback": 1, "operator": 1}
    titles = {row["intent"]: row["title"] for row in stats["top_intents"]}
    assert titles == {
        "greeting": "Приветствие",
        "fallback": "Не по теме",
        "operator": "Позвать оператора",
    }
    assert sum(day["messages"] for day in stats["daily"]) == 7
    assert {"from", "to"} <= set(stats)


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        {"from": "2020-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        {"from": "вчера"},
    ],
)
async def test_stats_range_is_validated(client: httpx.AsyncClient, app, params) -> None:
    admin = await make_staff(app, client, "admin")
    response = await client.get("/admin/stats", params=params, headers=admin["headers"])
    assert response.status_code == 422


@pytest.mark.both_databases
async def test_stats_of_an_empty_range(client: httpx.AsyncClient, app) -> None:
    admin = await make_staff(app, client, "admin")
    response = await client.get(
        "/admin/stats",
        params={"from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"},
        headers=admin["headers"],
    )
    body = response.json()
    assert body["conversations"] == 0 and body["fallback_rate"] is None and body["daily"] == []


@pytest.mark.both_databases
async def test_a_conversation_deleted_in_the_same_commit_as_its_turn_leaves_no_id(app) -> None:
    """The re-keying of a deleted conversation's statistics must see the active-day row
    of a turn committed together with the deletion (on SQLite: one group-commit batch)."""
    conversation = str(uuid.uuid4())

    def turn_then_delete(session: Session) -> None:
        stats.count_turn(session, conversation, utcnow(), None)
        stats.unlink_conversations(session, [conversation])

    await app.state.db.write(turn_then_delete)
    ids = await app.state.db.read(
        lambda session: list(session.scalars(select(ConversationDay.conversation_id)))
    )
    assert conversation not in ids
    assert len(ids) == 1  # the day still counts, under a random id


@pytest.mark.both_databases
async def test_counts_are_written_by_write_units_and_refused_in_read_units(app: FastAPI) -> None:
    """A read unit commits nothing: a count made there would be lost, so it fails loudly;
    a write unit's count lands with its commit, added to the row's earlier counts."""
    day = date(2026, 1, 1)
    intent = f"t-{uuid.uuid4().hex[:8]}"

    def counting(session: Session) -> None:
        stats_repository.add_intent(session, day, intent)

    def count_of(session: Session) -> int | None:
        row = (DailyIntent.day == day) & (DailyIntent.intent == intent)
        return session.scalar(select(DailyIntent.count).where(row))

    with pytest.raises(RuntimeError, match="counted in a read unit"):
        await app.state.db.read(counting)
    assert await app.state.db.read(count_of) is None
    await app.state.db.write(counting)
    await app.state.db.write(counting)
    assert await app.state.db.read(count_of) == 2
