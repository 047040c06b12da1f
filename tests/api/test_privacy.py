"""A user's data: the export, deleting the account (nothing of it is left in any table),
and clearing a chat also clears the admins' inbox of its text."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Session

from sunsupport.core.db import Base
from sunsupport.models import KbExample, MisunderstoodItem
from sunsupport.privacy.service import delete_account_by_name
from tests.support.api import PASSWORD, make_staff, open_chat, say
from tests.support.databases import count_rows

pytestmark = pytest.mark.both_databases
SECRET_TEXT = "сколько стоит биткоин у соседа"  # out of scope: the bot falls back → inbox


async def a_user_with_history(app: FastAPI, client: httpx.AsyncClient, new_user) -> dict:
    """A user with two chats: one with a fallback (an inbox item) and a 👎, one resolved
    by an operator and rated with a comment."""
    user = await new_user()
    operator = await make_staff(app, client)
    first = await open_chat(client, user)
    await say(client, user, first, SECRET_TEXT)
    greeting = await say(client, user, first, "привет")
    await client.post(
        f"/chat/message/{greeting['answer_id']}/feedback",
        headers=user["headers"],
        json={"value": -1},
    )
    second = await open_chat(client, user)
    await say(client, user, second, "позовите оператора")
    await client.post(f"/operator/sessions/{second}/claim", headers=operator["headers"])
    await client.post(
        f"/operator/sessions/{second}/message",
        headers=operator["headers"],
        json={"text": "Здравствуйте, я оператор"},
    )
    await client.post(f"/operator/sessions/{second}/resolve", headers=operator["headers"])
    rated = await client.post(
        f"/chat/session/{second}/rating",
        headers=user["headers"],
        json={"rating": 4, "comment": "Спасибо за помощь"},
    )
    assert rated.status_code == 200, rated.text
    return {**user, "chats": [first, second], "operator": operator}


async def test_the_export_holds_the_account_chats_messages_and_ratings(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    user = await a_user_with_history(app, client, new_user)

    response = await client.get("/auth/me/export", headers=user["headers"])

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment")
    data = response.json()
    assert data["account"]["username"] == user["username"]
    assert data["account"]["role"] == "user"
    assert data["account"]["created"]
    assert data["account"]["email"] is None
    assert [chat["id"] for chat in data["chats"]] == user["chats"]
    first, second = data["chats"]
    assert first["messages"][0] == {
        "sender": "user",
        "text": SECRET_TEXT,
        "time": first["messages"][0]["time"],
        "feedback": None,
    }
    assert [m["feedback"] for m in first["messages"]].count(-1) == 1
    assert {m["sender"] for m in second["messages"]} == {"user", "bot", "operator", "system"}
    assert (second["rating"], second["rating_comment"]) == (4, "Спасибо за помощь")
    assert data["ratings"] == [
        {"chat_id": second["id"], "rating": 4, "comment": "Спасибо за помощь"}
    ]
    flat = response.text
    for internal in ("guesses", "confidence", "intent", "author", "misunderstood", "bot_state"):
        assert internal not in flat


async def test_the_export_is_only_the_callers_own(client: httpx.AsyncClient, new_user) -> None:
    owner, other = await new_user(), await new_user()
    sid = await open_chat(client, owner)
    await say(client, owner, sid, "привет")
    data = (await client.get("/auth/me/export", headers=other["headers"])).json()
    assert data["chats"] == [] and data["ratings"] == []
    assert (await client.get("/auth/me/export")).status_code == 401


def _rows_mentioning(session: Session, values: set[str], user_id: int) -> list[str]:
    """Every table, every row, every column (JSON too, as text): one holding one of
    ``values``, or a foreign key to the user."""
    found = []
    for table in Base.metadata.sorted_tables:
        user_keys = [
            column
            for column in table.columns
            for fk in column.foreign_keys
            if isinstance(fk, ForeignKey) and fk.column.table.name == "users"
        ]
        for row in session.execute(select(table)).mappings():
            for name, value in row.items():
                shown = str(value) if value is not None else ""
                if any(str(v) in shown for v in values):
                    found.append(f"{table.name}.{name}")
            for column in user_keys:
                if row[column.name] == user_id:
                    found.append(f"{table.name}.{column.name}")
    return found


async def test_deleting_my_account_leaves_nothing_of_it_in_any_table(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await a_user_with_history(app, client, new_user)
    inbox = (await client.get("/admin/misunderstood", headers=admin["headers"])).json()
    assert any(item["text"] == SECRET_TEXT for item in inbox)
    taught = await client.post(
        f"/admin/misunderstood/{inbox[-1]['id']}/teach",
        headers=admin["headers"],
        json={"intent": "pricing"},
    )
    assert taught.status_code == 200, taught.text
    profile = await client.patch(
        "/auth/me", headers=user["headers"], json={"email": "secret.person@example.com"}
    )
    assert profile.status_code == 200, profile.text
    bystander = await new_user()
    kept_chat = await open_chat(client, bystander)
    await say(client, bystander, kept_chat, "рецепт борща")
    the_users_values = {
        user["username"],
        *user["chats"],
        SECRET_TEXT,
        "Спасибо за помощь",
        "secret.person@example.com",
    }

    response = await client.request(
        "DELETE", "/auth/me", headers=user["headers"], json={"password": PASSWORD}
    )

    assert response.status_code == 204
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 401
    left = await app.state.db.read(_rows_mentioning, the_users_values, user["id"])
    # The taught phrasing stays (knowledge, not the user's record), without a chat link.
    assert left == ["kb_examples.text"]
    assert await app.state.db.read(count_rows, KbExample) == 1
    assert await app.state.db.read(count_rows, MisunderstoodItem) == 1  # the bystander's
    history = await client.get(f"/chat/history/{kept_chat}", headers=bystander["headers"])
    assert len(history.json()) == 2
    login = {"username": user["username"], "password": PASSWORD}
    assert (await client.post("/auth/login", json=login)).status_code == 401
    again = await client.post("/auth/register", json=login)
    assert again.status_code == 201
    assert again.json()["id"] > bystander["id"]  # ids are never handed out again


async def test_deleting_needs_the_password_and_is_not_for_staff(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    wrong = await client.request(
        "DELETE", "/auth/me", headers=user["headers"], json={"password": "not-it-at-all"}
    )
    assert wrong.status_code == 403
    missing = await client.request("DELETE", "/auth/me", headers=user["headers"], json={})
    assert missing.status_code == 422
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 200
    operator = await make_staff(app, client)
    staff = await client.request(
        "DELETE", "/auth/me", headers=operator["headers"], json={"password": PASSWORD}
    )
    assert staff.status_code == 403
    assert "delete-user" in staff.json()["detail"]


async def test_clearing_a_chat_also_deletes_its_inbox_items(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, SECRET_TEXT)
    other = await open_chat(client, user)
    await say(client, user, other, "рецепт борща")
    assert await app.state.db.read(count_rows, MisunderstoodItem) == 2

    cleared = await client.delete(f"/chat/history/{sid}", headers=user["headers"])

    assert cleared.status_code == 204
    where = MisunderstoodItem.text == SECRET_TEXT
    assert await app.state.db.read(count_rows, MisunderstoodItem, where) == 0
    assert await app.state.db.read(count_rows, MisunderstoodItem) == 1


async def test_deleting_an_operator_puts_their_conversations_back_in_the_queue(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    operator = await make_staff(app, client)
    other = await make_staff(app, client)
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])

    erased = await delete_account_by_name(app.state.db, operator["username"])

    assert erased.conversations == 0
    chat = (await client.get(f"/chat/session/{sid}", headers=user["headers"])).json()
    assert (chat["status"], chat["assignee_id"]) == ("pending_human", None)
    queue = (await client.get("/operator/queue", headers=other["headers"])).json()
    assert [item["id"] for item in queue] == [sid]


async def test_a_visitor_deletes_its_data_with_its_token(client: httpx.AsyncClient) -> None:
    visitor = (await client.post("/auth/visitor")).json()
    headers = {"Authorization": f"Bearer {visitor['access_token']}"}
    sid = (await client.post("/chat/session", headers=headers)).json()["id"]
    await client.post("/chat/message", headers=headers, json={"session_id": sid, "text": "привет"})
    deleted = await client.request("DELETE", "/auth/me", headers=headers, json={})
    assert deleted.status_code == 204
    assert (await client.get("/auth/me", headers=headers)).status_code == 401
