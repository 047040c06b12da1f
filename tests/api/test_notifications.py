"""The mail outbox and its worker, against a real SMTP server (aiosmtpd) on this machine:
who gets an email, when, and how replies are gathered into one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sunsupport.core.timeutil import utcnow
from sunsupport.models import Notification, User
from sunsupport.notify.mailer import SmtpSender
from sunsupport.notify.worker import BATCH_WINDOW, MailWorker
from tests.support.api import make_staff, new_visitor, open_chat, say
from tests.support.mail import Inbox, body_of, link_in, smtp_server
from tests.support.servers import free_port

BASE = "https://support.example.com"


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings_overrides(inbox: Inbox) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox.port,
        "smtp_starttls": False,
        "notify_offline_after_seconds": 0,
        "mail_poll_seconds": 600,  # the app's own worker stays out of the way: we drive one
        "public_base_url": BASE,
        "mail_from": "support@example.com",
    }


@pytest.fixture
def worker(app: FastAPI) -> MailWorker:
    return MailWorker(app.state.db, app.state.settings, SmtpSender(app.state.settings))


async def conversation_with_operator(
    client: httpx.AsyncClient, app: FastAPI, owner: dict
) -> tuple[str, dict]:
    sid = await open_chat(client, owner)
    await say(client, owner, sid, "позовите оператора")
    operator = await make_staff(app, client)
    claimed = await client.post(f"/operator/sessions/{sid}/claim", headers=operator["headers"])
    assert claimed.status_code == 200
    return sid, operator


async def reply(client: httpx.AsyncClient, operator: dict, sid: str, text: str) -> None:
    response = await client.post(
        f"/operator/sessions/{sid}/message", headers=operator["headers"], json={"text": text}
    )
    assert response.status_code == 201


def emails_sent() -> float:
    return REGISTRY.get_sample_value("sunsupport_reply_emails_total", {"outcome": "sent"}) or 0.0


def outbox(app: FastAPI) -> Any:
    def read(session: Session) -> list[tuple[str, int]]:
        rows = session.execute(
            select(Notification.status, Notification.attempts).order_by(Notification.id)
        )
        return [(status, attempts) for status, attempts in rows]

    return app.state.db.read(read)


@pytest.mark.both_databases
async def test_replies_to_an_away_owner_make_one_email_with_the_texts_and_a_link(
    client: httpx.AsyncClient,
    app: FastAPI,
    new_user,
    inbox: Inbox,
    worker: MailWorker,
    database_kind: str,
) -> None:
    before = len(inbox.messages)
    user = await new_user()
    await client.patch("/auth/me", headers=user["headers"], json={"email": "ivan@example.com"})
    sid, operator = await conversation_with_operator(client, app, user)
    await reply(client, operator, sid, "Здравствуйте! Солнце взойдёт в 8:14.")
    await reply(client, operator, sid, "И возьмите очки.")

    sent_before = emails_sent()
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert emails_sent() == sent_before + 1
    email = inbox.wait_for(before + 1)[before]
    assert email["To"] == "ivan@example.com" and email["From"] == "support@example.com"
    text = body_of(email)
    assert "Солнце взойдёт в 8:14." in text and "И возьмите очки." in text
    link = link_in(email)
    assert (link.page, link.session) == (f"{BASE}/", sid)
    # the key signs the user in (another device, no password typed)
    signed_in = await client.post("/auth/email-link", json={"key": link.key})
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    assert (await client.get("/auth/me", headers=headers)).json()["id"] == user["id"]
    assert await outbox(app) == [("sent", 0), ("sent", 0)]

    # within ten minutes of that email, the next reply waits to be gathered with others
    await reply(client, operator, sid, "Что-нибудь ещё?")
    assert await worker.run_once() == 0
    due = await app.state.db.read(
        lambda s: s.scalar(select(Notification.due_at).where(Notification.status == "pending"))
    )
    sent_at = await app.state.db.read(
        lambda s: s.scalar(select(Notification.sent_at).where(Notification.status == "sent"))
    )
    assert due == sent_at + BATCH_WINDOW
    assert len(inbox.messages) == before + 1


@pytest.mark.both_databases
async def test_no_email_without_an_address_or_for_what_the_owner_has_seen(
    client: httpx.AsyncClient,
    app: FastAPI,
    new_user,
    inbox: Inbox,
    worker: MailWorker,
    database_kind: str,
) -> None:
    before = len(inbox.messages)
    silent = await new_user()  # no email: nothing is even queued
    sid, operator = await conversation_with_operator(client, app, silent)
    await reply(client, operator, sid, "Ответ")
    assert await outbox(app) == []

    reader = await new_visitor(client)
    await client.patch("/auth/me", headers=reader["headers"], json={"email": "v@example.com"})
    sid, operator = await conversation_with_operator(client, app, reader)
    await reply(client, operator, sid, "Ответ гостю")
    await client.post(f"/chat/session/{sid}/read", headers=reader["headers"])
    assert await worker.run_once() == 0
    assert await outbox(app) == [("skipped", 0)]
    assert len(inbox.quiet_for(0.2)) == before


@pytest.mark.both_databases
async def test_no_email_for_replies_the_owner_has_answered_since(
    client: httpx.AsyncClient, app: FastAPI, inbox: Inbox, worker: MailWorker
) -> None:
    """Writing back after a reply shows it was read, even without opening the list."""
    before = len(inbox.messages)
    owner = await new_visitor(client)
    await client.patch("/auth/me", headers=owner["headers"], json={"email": "w@example.com"})
    sid, operator = await conversation_with_operator(client, app, owner)
    await reply(client, operator, sid, "Первый ответ")
    await reply(client, operator, sid, "Второй ответ")
    await say(client, owner, sid, "Спасибо, вижу")
    assert await worker.run_once() == 0
    assert await outbox(app) == [("skipped", 0), ("skipped", 0)]
    assert len(inbox.quiet_for(0.2)) == before


@pytest.mark.both_databases
async def test_an_owner_with_the_page_open_gets_no_email_until_they_leave(
    client: httpx.AsyncClient,
    app: FastAPI,
    inbox: Inbox,
    worker: MailWorker,
    database_kind: str,
) -> None:
    before = len(inbox.messages)
    visitor = await new_visitor(client)
    await client.patch("/auth/me", headers=visitor["headers"], json={"email": "g@example.com"})
    me = (await client.get("/auth/me", headers=visitor["headers"])).json()
    sid, operator = await conversation_with_operator(client, app, visitor)
    with app.state.live_presence.connected(me["id"]):  # what an open live socket does
        await app.state.live_presence.settled()
        await reply(client, operator, sid, "Вы здесь?")
        assert await worker.run_once() == 0
        assert await outbox(app) == [("pending", 0)]

    # the page closed long ago and the reply is still unseen: now it is emailed
    def gone(session: Session) -> None:
        long_ago = utcnow() - timedelta(hours=1)
        session.execute(update(User).where(User.id == me["id"]).values(live_until=long_ago))
        session.execute(update(Notification).values(due_at=long_ago))

    await app.state.db.write(gone)
    assert await worker.run_once() == 1
    email = inbox.wait_for(before + 1)[before]
    link = link_in(email)
    assert (link.page, link.session) == (f"{BASE}/widget", sid)  # visitors go back to the widget
    # ... where the key makes the page that same visitor, with the conversation
    signed_in = await client.post("/auth/email-link", json={"key": link.key})
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    history = await client.get(f"/chat/history/{sid}", headers=headers)
    assert history.status_code == 200 and "Вы здесь?" in history.text


async def test_a_failed_send_is_retried_later_and_then_sent(
    client: httpx.AsyncClient, app: FastAPI, new_user, inbox: Inbox
) -> None:
    before = len(inbox.messages)
    user = await new_user()
    await client.patch("/auth/me", headers=user["headers"], json={"email": "r@example.com"})
    sid, operator = await conversation_with_operator(client, app, user)
    await reply(client, operator, sid, "Повторим")
    down = app.state.settings.model_copy(update={"smtp_port": free_port()})  # nobody listens
    broken = MailWorker(app.state.db, down, SmtpSender(down))
    assert await broken.run_once() == 0
    assert await outbox(app) == [("pending", 1)]
    due = await app.state.db.read(lambda s: s.scalar(select(Notification.due_at)))
    assert timedelta(seconds=20) < due - utcnow() < timedelta(seconds=40)  # backoff

    await app.state.db.write(lambda s: s.execute(update(Notification).values(due_at=utcnow())))
    working = MailWorker(app.state.db, app.state.settings, SmtpSender(app.state.settings))
    assert await working.run_once() == 1
    assert "Повторим" in body_of(inbox.wait_for(before + 1)[before])
