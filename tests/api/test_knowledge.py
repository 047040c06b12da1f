"""The knowledge feature: the "misunderstood" inbox, teaching the bot, intents,
/bot/parse and reloading the knowledge base."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import make_staff, open_chat, say

OUT_OF_SCOPE = "сколько стоит биткоин"


@pytest.mark.both_databases
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


@pytest.mark.both_databases
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


@pytest.mark.both_databases
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


async def _inbox_of(client: httpx.AsyncClient, admin: dict, sid: str, status: str = "new") -> list:
    from sunsupport.chat import review

    await review.settled()
    listed = await client.get(
        "/admin/misunderstood", params={"status": status, "limit": 200}, headers=admin["headers"]
    )
    return [item for item in listed.json() if item["session_id"] == sid]


@pytest.mark.both_databases
async def test_a_confident_answer_followed_by_a_human_request_is_reviewed(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    pricing = await say(client, user, sid, "какие у вас тарифы?")
    assert pricing["intent"] == "pricing" and pricing["confidence"] >= 0.4
    await say(client, user, sid, "позовите оператора")
    [item] = await _inbox_of(client, admin, sid)
    assert item["reason"] == "asked_human"
    assert (item["text"], item["answer_id"]) == ("какие у вас тарифы?", pricing["answer_id"])
    assert item["intent"] == "pricing" and item["intent_title"] == "Тарифы, оплата и подписка"
    assert item["guesses"][0]["title"] == "Тарифы, оплата и подписка"

    confirmed = await client.patch(
        f"/admin/misunderstood/{item['id']}", headers=admin["headers"], json={"status": "confirmed"}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["resolved_at"]
    assert [i["id"] for i in await _inbox_of(client, admin, sid, "confirmed")] == [item["id"]]
    assert await _inbox_of(client, admin, sid) == []
    again = await client.post(
        f"/admin/misunderstood/{item['id']}/confirm", headers=admin["headers"]
    )
    assert again.status_code == 200 and again.json()["status"] == "confirmed"
    missing = await client.post("/admin/misunderstood/999999/confirm", headers=admin["headers"])
    assert missing.status_code == 404


@pytest.mark.both_databases
async def test_a_rephrased_question_sends_the_earlier_answer_to_review(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    first = await say(client, user, sid, "когда привезут солнце?")
    assert first["intent"] == "sun_eta"
    await say(client, user, sid, "спасибо")
    again = await say(client, user, sid, "так когда же привезут солнце к нам?")
    [item] = await _inbox_of(client, admin, sid)
    assert (item["reason"], item["answer_id"]) == ("rephrased", first["answer_id"])
    # the same again is one item per answer, and small talk is never reviewed
    await say(client, user, sid, "спасибо")
    await say(client, user, sid, "спасибо")
    assert [i["id"] for i in await _inbox_of(client, admin, sid)] == [item["id"]]
    # reviewing ends in teaching it as another intent
    taught = await client.post(
        f"/admin/misunderstood/{item['id']}/teach",
        headers=admin["headers"],
        json={"intent": "order"},
    )
    assert taught.json()["status"] == "resolved"
    assert again["intent"] == "sun_eta"


async def test_other_topics_in_a_row_are_not_reviewed(
    client: httpx.AsyncClient, app, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    sid = await open_chat(client, user)
    for text in ("какая погода?", "сколько стоит подписка", "что такое полярная ночь"):
        await say(client, user, sid, text)
    assert await _inbox_of(client, admin, sid) == []


async def test_intents_have_titles(client: httpx.AsyncClient, app) -> None:
    admin = await make_staff(app, client, "admin")
    listed = (await client.get("/admin/intents", headers=admin["headers"])).json()
    titles = {i["id"]: i["title"] for i in listed}
    assert titles["order"] == "Заказ и доставка по адресу"
    assert titles["fallback"] == "Не по теме"
    assert len(titles) == 20


async def test_bot_parse_explains_on_request(client: httpx.AsyncClient, app, new_user) -> None:
    user = await new_user()
    plain = await client.post("/bot/parse", headers=user["headers"], json={"text": "прайс"})
    assert plain.json()["explain"] is None
    response = await client.post(
        "/bot/parse",
        headers=user["headers"],
        json={"text": "можно заказать солнце на дачу?", "explain": True},
    )
    assert response.status_code == 200
    body = response.json()
    top = body["explain"]["intents"][0]
    assert body["intent"] == top["intent"] == "order"
    assert top["title"] == "Заказ и доставка по адресу"
    assert top["confidence"] == body["confidence"]
    assert top["examples"] and {e["intent"] for e in top["examples"]} == {"order"}
    assert body["explain"]["nearest"][0]["similarity"] >= top["examples"][0]["similarity"]

    # phrasings taught from conversations are shown to staff only
    admin = await make_staff(app, client, "admin")
    taught = "мне бы солнышка на фазенду заказать"
    await client.post(
        "/admin/examples", headers=admin["headers"], json={"intent": "order", "text": taught}
    )
    await app.state.bot_keeper.settled()  # retrained in the background
    for who, visible in ((admin, True), (user, False)):
        body = (
            await client.post(
                "/bot/parse", headers=who["headers"], json={"text": taught, "explain": True}
            )
        ).json()
        assert body["intent"] == "order"
        assert body["explain"]["taught"] is visible
        texts = {e["text"] for e in body["explain"]["nearest"]}
        assert (taught in texts) is visible


class TestSampling:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"review_sample_rate": 1.0}

    async def test_confident_answers_are_sampled_for_review(
        self, client: httpx.AsyncClient, app, new_user
    ) -> None:
        admin = await make_staff(app, client, "admin")
        user = await new_user()
        sid = await open_chat(client, user)
        weather = await say(client, user, sid, "какая погода на солнце?")
        await say(client, user, sid, "привет")
        [item] = await _inbox_of(client, admin, sid)
        assert (item["reason"], item["answer_id"]) == ("sampled", weather["answer_id"])
        dismissed = await client.patch(
            f"/admin/misunderstood/{item['id']}",
            headers=admin["headers"],
            json={"status": "dismissed"},
        )
        assert dismissed.json()["status"] == "dismissed"
