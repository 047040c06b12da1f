"""The conversation's lifecycle: handover notes, display names, one empty chat at a time,
renaming and deleting, clearing that ends a handover, and statistics that survive both."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import make_staff, open_chat, say


async def history(client: httpx.AsyncClient, user: dict, sid: str) -> list[dict]:
    response = await client.get(f"/chat/history/{sid}", headers=user["headers"])
    assert response.status_code == 200, response.text
    return response.json()


async def handed_over(client: httpx.AsyncClient, user: dict) -> str:
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    return sid


async def act(client: httpx.AsyncClient, staff: dict, sid: str, action: str) -> None:
    response = await client.post(f"/operator/sessions/{sid}/{action}", headers=staff["headers"])
    assert response.status_code == 200, response.text


async def test_a_chat_opened_by_asking_for_a_human_is_named_after_that(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    await handed_over(client, user)
    chats = await client.get("/chat/sessions", headers=user["headers"])
    assert [chat["title"] for chat in chats.json()] == ["позовите оператора"]


@pytest.mark.both_databases
async def test_handovers_are_notes_in_the_timeline_signed_with_the_display_name(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin, operator = await make_staff(app, client, "admin"), await make_staff(app, client)
    named = await client.patch(
        f"/admin/staff/{operator['id']}",
        headers=admin["headers"],
        json={"display_name": "  Ольга \n "},
    )
    assert named.status_code == 200 and named.json()["display_name"] == "Ольга"
    user = await new_user()
    sid = await handed_over(client, user)
    await act(client, operator, sid, "claim")
    reply = await client.post(
        f"/operator/sessions/{sid}/message",
        headers=operator["headers"],
        json={"text": "Здравствуйте!"},
    )
    assert reply.status_code == 201
    await act(client, operator, sid, "release")
    await say(client, user, sid, "снова позовите оператора")
    await act(client, operator, sid, "claim")
    await act(client, operator, sid, "resolve")

    messages = await history(client, user, sid)
    notes = [m for m in messages if m["sender_type"] == "system"]
    assert [(m["event"], m["author_name"]) for m in notes] == [
        ("claimed", "Ольга"),
        ("released", "Ольга"),
        ("claimed", "Ольга"),
        ("resolved", "Ольга"),
    ]
    assert all("Ольга" in m["text"] for m in notes)
    assert [m["text"] for m in notes][:2] == [
        "Оператор Ольга подключается к чату",
        "Оператор Ольга передаёт чат боту",
    ]
    (answer,) = [m for m in messages if m["sender_type"] == "operator"]
    assert answer["author_name"] == "Ольга" and answer["event"] is None
    assert all(m["author_name"] is None for m in messages if m["sender_type"] in ("user", "bot"))
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)

    # a later rename changes future notes only; what was sent keeps its name
    await client.patch(
        f"/admin/staff/{operator['id']}", headers=admin["headers"], json={"display_name": None}
    )
    user2 = await new_user()
    sid2 = await handed_over(client, user2)
    await act(client, operator, sid2, "claim")
    (note,) = [m for m in await history(client, user2, sid2) if m["sender_type"] == "system"]
    assert note["author_name"] == operator["username"]
    assert (await history(client, user, sid))[-1]["author_name"] == "Ольга"


async def test_admins_list_and_name_staff(client: httpx.AsyncClient, app, new_user) -> None:
    admin, operator, user = (
        await make_staff(app, client, "admin"),
        await make_staff(app, client),
        await new_user(),
    )
    listed = (await client.get("/admin/staff", headers=admin["headers"])).json()
    assert {row["id"]: row["role"] for row in listed} == {
        admin["id"]: "admin",
        operator["id"]: "operator",
    }
    assert all(row["display_name"] is None for row in listed)
    url = f"/admin/staff/{operator['id']}"
    for bad in ("", "   ", "x" * 65, "\u200b", 5):
        response = await client.patch(url, headers=admin["headers"], json={"display_name": bad})
        assert response.status_code == 422, bad
    extra = await client.patch(
        url, headers=admin["headers"], json={"display_name": "A", "role": "admin"}
    )
    assert extra.status_code == 422
    not_staff = await client.patch(
        f"/admin/staff/{user['id']}", headers=admin["headers"], json={"display_name": "Вася"}
    )
    assert not_staff.status_code == 404
    missing = await client.patch(
        "/admin/staff/999999", headers=admin["headers"], json={"display_name": "A"}
    )
    assert missing.status_code == 404
    for caller in (operator, user):
        assert (await client.get("/admin/staff", headers=caller["headers"])).status_code == 403
        response = await client.patch(url, headers=caller["headers"], json={"display_name": "A"})
        assert response.status_code == 403
    assert (await client.get("/admin/staff?limit=0", headers=admin["headers"])).status_code == 422


@pytest.mark.both_databases
async def test_new_chat_reuses_the_newest_empty_one(client: httpx.AsyncClient, new_user) -> None:
    user, other = await new_user(), await new_user()
    first = await open_chat(client, user)
    assert await open_chat(client, user) == first  # «Новый чат» ×3 is one chat
    assert await open_chat(client, other) != first
    await say(client, user, first, "привет")
    second = await open_chat(client, user)
    assert second != first
    listed = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert [s["id"] for s in listed] == [second, first]
    # a cleared chat is empty again, and comes back to the top when reused
    await client.delete(f"/chat/history/{first}", headers=user["headers"])
    await say(client, user, second, "как дела?")
    assert await open_chat(client, user) == first
    listed = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert [s["id"] for s in listed] == [first, second]


@pytest.mark.both_databases
async def test_rename_a_chat(client: httpx.AsyncClient, new_user) -> None:
    user, other = await new_user(), await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "привет")
    url = f"/chat/session/{sid}"
    renamed = await client.patch(url, headers=user["headers"], json={"title": "  Про\nзакат  "})
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Про закат" and renamed.json()["id"] == sid
    listed = (await client.get("/chat/sessions", headers=user["headers"])).json()
    assert listed[0]["title"] == "Про закат"
    for bad in (
        {"title": ""},
        {"title": " \t "},
        {"title": "я" * 81},
        {"title": None},
        {},
        {"title": "a\x00"},
    ):
        assert (await client.patch(url, headers=user["headers"], json=bad)).status_code == 422, bad
    assert (
        await client.patch(url, headers=user["headers"], json={"title": "я" * 80})
    ).status_code == 200
    assert (
        await client.patch(url, headers=other["headers"], json={"title": "чужой"})
    ).status_code == 403
    missing = await client.patch("/chat/session/nope", headers=user["headers"], json={"title": "x"})
    assert missing.status_code == 404
    assert (await client.patch(url, json={"title": "x"})).status_code == 401


@pytest.mark.both_databases
async def test_delete_a_chat(client: httpx.AsyncClient, app, new_user) -> None:
    user, other = await new_user(), await new_user()
    operator = await make_staff(app, client)
    sid = await open_chat(client, user)
    posted = await say(client, user, sid, "что-то непонятное ывапролд")
    assert (
        await client.delete(f"/chat/session/{sid}", headers=other["headers"])
    ).status_code == 403
    assert (
        await client.delete(f"/chat/session/{sid}", headers=operator["headers"])
    ).status_code == 403
    deleted = await client.delete(f"/chat/session/{sid}", headers=user["headers"])
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get(f"/chat/session/{sid}", headers=user["headers"])).status_code == 404
    assert (await client.get(f"/chat/history/{sid}", headers=user["headers"])).status_code == 404
    assert (await client.delete(f"/chat/session/{sid}", headers=user["headers"])).status_code == 404
    feedback = await client.post(
        f"/chat/message/{posted['answer_id']}/feedback", headers=user["headers"], json={"value": 1}
    )
    assert feedback.status_code == 404
    assert (await client.get("/chat/sessions", headers=user["headers"])).json() == []
    # a new chat never gets the old id, nor do its messages get old message ids
    fresh = await open_chat(client, user)
    assert fresh != sid
    assert (await say(client, user, fresh, "привет"))["message_id"] > posted["answer_id"]


@pytest.mark.both_databases
@pytest.mark.parametrize("how", ["clear", "delete"])
@pytest.mark.parametrize("claimed", [False, True])
async def test_taking_back_a_handed_over_chat_ends_the_handover(
    client: httpx.AsyncClient, app, new_user, how: str, claimed: bool
) -> None:
    operator = await make_staff(app, client)
    user = await new_user()
    sid = await handed_over(client, user)
    if claimed:
        await act(client, operator, sid, "claim")
    url = f"/chat/history/{sid}" if how == "clear" else f"/chat/session/{sid}"
    assert (await client.delete(url, headers=user["headers"])).status_code == 204
    queue = (await client.get("/operator/queue", headers=operator["headers"])).json()
    assert sid not in [item["id"] for item in queue]
    if how == "clear":
        detail = (await client.get(f"/chat/session/{sid}", headers=user["headers"])).json()
        assert (detail["status"], detail["assignee_id"]) == ("bot", None)
        # the bot answers again
        assert (await say(client, user, sid, "привет"))["answer"]
    reply = await client.post(
        f"/operator/sessions/{sid}/message", headers=operator["headers"], json={"text": "Алло?"}
    )
    assert reply.status_code in (404, 409)


async def stats_of(client: httpx.AsyncClient, admin: dict) -> dict:
    stats = (await client.get("/admin/stats", headers=admin["headers"])).json()
    stats.pop("from"), stats.pop("to")
    return stats


@pytest.mark.both_databases
async def test_statistics_survive_clearing_and_deleting(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin, operator = await make_staff(app, client, "admin"), await make_staff(app, client)
    user = await new_user()
    bot_chat = await open_chat(client, user)
    greeting = await say(client, user, bot_chat, "привет")
    await say(client, user, bot_chat, "сколько стоит биткоин")
    for value in (-1, 1):  # changing one's mind counts once
        await client.post(
            f"/chat/message/{greeting['answer_id']}/feedback",
            headers=user["headers"],
            json={"value": value},
        )
    human_chat = await handed_over(client, user)
    await act(client, operator, human_chat, "claim")
    await client.post(
        f"/operator/sessions/{human_chat}/message",
        headers=operator["headers"],
        json={"text": "Да?"},
    )
    await act(client, operator, human_chat, "resolve")
    await client.post(
        f"/chat/session/{human_chat}/rating", headers=user["headers"], json={"rating": 5}
    )
    before = await stats_of(client, admin)
    assert before["conversations"] == 2
    assert (before["user_messages"], before["bot_messages"], before["operator_messages"]) == (
        3,
        3,
        1,
    )
    assert before["messages"] == 7  # system notes are not messages of anyone
    assert (before["thumbs_up"], before["thumbs_down"]) == (1, 0)
    assert before["average_rating"] == 5 and before["ratings"] == 1
    assert before["handoff_rate"] == 0.5 and before["median_first_response_seconds"] is not None
    assert {row["intent"]: row["count"] for row in before["top_intents"]} == {
        "greeting": 1,
        "fallback": 1,
        "operator": 1,
    }
    assert sum(day["messages"] for day in before["daily"]) == 7

    assert (
        await client.delete(f"/chat/history/{bot_chat}", headers=user["headers"])
    ).status_code == 204
    assert await stats_of(client, admin) == before
    assert (
        await client.delete(f"/chat/session/{human_chat}", headers=user["headers"])
    ).status_code == 204
    assert await stats_of(client, admin) == before
    # and counting goes on from there
    await say(client, user, bot_chat, "привет")
    after = await stats_of(client, admin)
    assert (after["user_messages"], after["bot_messages"], after["conversations"]) == (4, 4, 2)
