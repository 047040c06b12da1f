"""Feedback on answers, the "misunderstood" inbox, teaching the bot, canned replies, stats."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import make_staff, open_chat, say

OUT_OF_SCOPE = "сколько стоит биткоин"


async def test_feedback_on_bot_answers(client: httpx.AsyncClient, new_user) -> None:
    user, stranger = await new_user(), await new_user()
    sid = await open_chat(client, user)
    posted = await say(client, user, sid, "привет")
    url = f"/chat/message/{posted['answer_id']}/feedback"
    up = await client.post(url, headers=user["headers"], json={"value": 1})
    assert up.status_code == 200 and up.json() == {"message_id": posted["answer_id"], "value": 1}
    changed = await client.post(url, headers=user["headers"], json={"value": -1})
    assert changed.json()["value"] == -1
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert history[1]["feedback"] == -1 and history[0]["feedback"] is None
    # only the owner, only bot answers, only ±1
    foreign = await client.post(url, headers=stranger["headers"], json={"value": 1})
    assert foreign.status_code == 403
    own_message = f"/chat/message/{posted['message_id']}/feedback"
    assert (
        await client.post(own_message, headers=user["headers"], json={"value": 1})
    ).status_code == 422
    for value in (0, 2, "1", None):
        response = await client.post(url, headers=user["headers"], json={"value": value})
        assert response.status_code == 422
    missing = await client.post(
        "/chat/message/999999/feedback", headers=user["headers"], json={"value": 1}
    )
    assert missing.status_code == 404


async def test_fallbacks_and_downvotes_reach_the_inbox(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    fallback = await say(client, user, sid, OUT_OF_SCOPE)
    assert fallback["intent"] == "fallback"
    greeting = await say(client, user, sid, "привет")
    await client.post(
        f"/chat/message/{greeting['answer_id']}/feedback",
        headers=user["headers"],
        json={"value": -1},
    )
    inbox = (await client.get("/admin/misunderstood", headers=admin["headers"])).json()
    by_reason = {item["reason"]: item for item in inbox}
    assert by_reason["fallback"]["text"] == OUT_OF_SCOPE
    assert by_reason["fallback"]["session_id"] == sid
    assert by_reason["fallback"]["guesses"] is not None
    assert by_reason["downvote"]["text"] == "привет"
    assert by_reason["downvote"]["answer_id"] == greeting["answer_id"]
    assert by_reason["downvote"]["guesses"][0]["intent"] == "greeting"
    assert all(item["status"] == "new" for item in inbox)


async def test_dismissing_and_filtering_the_inbox(client: httpx.AsyncClient, app, new_user) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, OUT_OF_SCOPE)
    item = (await client.get("/admin/misunderstood", headers=admin["headers"])).json()[0]
    dismissed = await client.patch(
        f"/admin/misunderstood/{item['id']}",
        headers=admin["headers"],
        json={"status": "dismissed"},
    )
    assert dismissed.json()["status"] == "dismissed" and dismissed.json()["resolved_at"]
    assert (await client.get("/admin/misunderstood", headers=admin["headers"])).json() == []
    listed = await client.get(
        "/admin/misunderstood", params={"status": "dismissed"}, headers=admin["headers"]
    )
    assert [i["id"] for i in listed.json()] == [item["id"]]
    bad = await client.patch(
        f"/admin/misunderstood/{item['id']}", headers=admin["headers"], json={"status": "gone"}
    )
    assert bad.status_code == 422


async def test_teaching_a_phrase_takes_effect_at_once_and_survives_a_restart(
    client: httpx.AsyncClient, app, settings, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    phrase = "где взять чек для бухгалтерии"
    assert (await say(client, user, sid, phrase))["intent"] == "fallback"
    item = (await client.get("/admin/misunderstood", headers=admin["headers"])).json()[0]
    unknown = await client.post(
        f"/admin/misunderstood/{item['id']}/teach",
        headers=admin["headers"],
        json={"intent": "no_such_intent"},
    )
    assert unknown.status_code == 422
    taught = await client.post(
        f"/admin/misunderstood/{item['id']}/teach",
        headers=admin["headers"],
        json={"intent": "pricing"},
    )
    assert taught.status_code == 200 and taught.json()["status"] == "resolved"
    assert (await say(client, user, sid, phrase))["intent"] == "pricing"

    # a new process (same database) learns it from the stored examples
    from sunsupport.app import create_app

    restarted = create_app(settings)
    async with restarted.router.lifespan_context(restarted):
        transport = httpx.ASGITransport(app=restarted)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as again:
            answer = await again.post(
                "/chat/message", headers=user["headers"], json={"session_id": sid, "text": phrase}
            )
            assert answer.json()["intent"] == "pricing"


async def test_intents_and_direct_examples(client: httpx.AsyncClient, app) -> None:
    admin = await make_staff(app, client, "admin")
    intents = {
        i["id"] for i in (await client.get("/admin/intents", headers=admin["headers"])).json()
    }
    assert {"greeting", "operator", "pricing", "fallback"} <= intents
    added = await client.post(
        "/admin/examples", headers=admin["headers"], json={"intent": "thanks", "text": "мерси боку"}
    )
    assert added.status_code == 201 and added.json()["intent"] == "thanks"


async def test_canned_replies_are_edited_by_admins_and_read_by_operators(
    client: httpx.AsyncClient, app
) -> None:
    admin, operator = await make_staff(app, client, "admin"), await make_staff(app, client)
    created = await client.post(
        "/admin/canned",
        headers=admin["headers"],
        json={"shortcut": "привет", "text": "Здравствуйте! Чем помочь?"},
    )
    assert created.status_code == 201
    reply_id = created.json()["id"]
    duplicate = await client.post(
        "/admin/canned", headers=admin["headers"], json={"shortcut": "привет", "text": "x"}
    )
    assert duplicate.status_code == 409
    updated = await client.put(
        f"/admin/canned/{reply_id}",
        headers=admin["headers"],
        json={"shortcut": "привет", "text": "Добрый день! Чем помочь?"},
    )
    assert updated.json()["text"] == "Добрый день! Чем помочь?"
    listed = (await client.get("/operator/canned", headers=operator["headers"])).json()
    assert [(c["shortcut"], c["text"]) for c in listed] == [("привет", "Добрый день! Чем помочь?")]
    deleted = await client.delete(f"/admin/canned/{reply_id}", headers=admin["headers"])
    assert deleted.status_code == 204
    assert (
        await client.delete(f"/admin/canned/{reply_id}", headers=admin["headers"])
    ).status_code == 404


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


async def test_stats_of_an_empty_range(client: httpx.AsyncClient, app) -> None:
    admin = await make_staff(app, client, "admin")
    response = await client.get(
        "/admin/stats",
        params={"from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"},
        headers=admin["headers"],
    )
    body = response.json()
    assert body["conversations"] == 0 and body["fallback_rate"] is None and body["daily"] == []


async def test_bot_parse_explains_without_storing(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    response = await client.post(
        "/bot/parse", headers=user["headers"], json={"text": "Добрый день, какие у вас тарифы?"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == "pricing" and body["answer"]
    assert body["ranking"][0]["intent"] == "pricing"
    assert 0 < body["confidence"] <= 1
    assert (await client.get("/chat/sessions", headers=user["headers"])).json() == []
    assert (await client.post("/bot/parse", json={"text": "привет"})).status_code == 401
    empty = await client.post("/bot/parse", headers=user["headers"], json={"text": "  "})
    assert empty.status_code == 422


class TestKnowledgeBaseReload:
    @pytest.fixture
    def settings_overrides(self, tmp_path) -> dict:
        from sunsupport.bot.kb import default_kb_path

        kb = tmp_path / "kb.yaml"
        kb.write_text(default_kb_path().read_text(encoding="utf-8"), encoding="utf-8")
        return {"kb_path": kb}

    async def test_a_broken_file_is_refused_and_the_last_good_bot_keeps_answering(
        self, client: httpx.AsyncClient, app, settings, new_user
    ) -> None:
        admin = await make_staff(app, client, "admin")
        good = settings.kb_path.read_text(encoding="utf-8")
        settings.kb_path.write_text(good + "\n  - id: broken\n    examples: [\n", encoding="utf-8")
        refused = await client.post("/admin/kb/reload", headers=admin["headers"])
        assert refused.status_code == 422
        assert "kb.yaml:" in refused.json()["detail"]
        parsed = await client.post("/bot/parse", headers=admin["headers"], json={"text": "привет"})
        assert parsed.json()["intent"] == "greeting"

        settings.kb_path.write_text(
            good.replace(
                "intents:\n",
                "intents:\n  - id: moon\n    examples: [где луна, когда луна]\n"
                "    answers: [Луну мы не производим, только Солнце.]\n",
                1,
            ),
            encoding="utf-8",
        )
        reloaded = await client.post("/admin/kb/reload", headers=admin["headers"])
        assert reloaded.status_code == 200, reloaded.text
        user = await new_user()
        sid = await open_chat(client, user)
        assert (await say(client, user, sid, "где луна"))["intent"] == "moon"
