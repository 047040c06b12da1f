"""Reply emails from real server processes to a real SMTP server (aiosmtpd): nothing is
lost across a restart, and two processes on one PostgreSQL database send each email once."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.live import create_staff, login, new_user, open_socket
from tests.support.mail import Inbox, body_of, link_in, smtp_server
from tests.support.postgres import fresh_database
from tests.support.servers import RunningServer, start_server, stop_server

pytestmark = pytest.mark.server
BASE = "https://help.example.org"


def mail_env(inbox: Inbox, offline_after: float) -> dict[str, str | None]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(inbox.port),
        "SMTP_STARTTLS": "false",
        "NOTIFY_OFFLINE_AFTER_SECONDS": str(offline_after),
        "MAIL_POLL_SECONDS": "0.2",
        "PUBLIC_BASE_URL": BASE,
    }


async def away_customer_with_operator(
    server: RunningServer, http: httpx.AsyncClient, email: str
) -> tuple[str, dict[str, str]]:
    """A user with an email and no page open, whose conversation an operator has claimed."""
    sid, operator, _ = await customer_with_operator(server, http, email)
    return sid, operator


async def customer_with_operator(
    server: RunningServer, http: httpx.AsyncClient, email: str
) -> tuple[str, dict[str, str], str]:
    """The conversation, the operator's headers and the customer's token."""
    token, user = await new_user(http)
    assert (await http.patch("/auth/me", headers=user, json={"email": email})).status_code == 200
    sid = (await http.post("/chat/session", headers=user)).json()["id"]
    await http.post("/chat/message", headers=user, json={"session_id": sid, "text": "оператора!"})
    operator = await login(http, create_staff(server))
    assert (await http.post(f"/operator/sessions/{sid}/claim", headers=operator)).is_success
    return sid, operator, token


async def operator_says(http: httpx.AsyncClient, operator: dict, sid: str, text: str) -> None:
    response = await http.post(
        f"/operator/sessions/{sid}/message", headers=operator, json={"text": text}
    )
    assert response.status_code == 201


async def test_a_restart_between_the_reply_and_the_email_loses_nothing(tmp_path: Path) -> None:
    with smtp_server() as inbox:
        env = mail_env(inbox, offline_after=2.5)
        server = start_server(tmp_path, env)
        try:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
                sid, operator = await away_customer_with_operator(server, http, "a@example.com")
                await operator_says(http, operator, sid, "Ответ перед перезапуском")
        finally:
            stop_server(server)
        assert inbox.messages == []  # not due yet when the server went down
        server = start_server(tmp_path, env)
        try:
            (email,) = inbox.wait_for(1)
            assert email["To"] == "a@example.com"
            assert "Ответ перед перезапуском" in body_of(email)
            link = link_in(email)
            assert (link.page, link.session) == (f"{BASE}/", sid)
            async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
                # the key, made before the restart, still signs the reader in
                signed_in = await http.post("/auth/email-link", json={"key": link.key})
                assert signed_in.status_code == 200, signed_in.text
                token = signed_in.json()["access_token"]
                history = await http.get(
                    f"/chat/history/{sid}", headers={"Authorization": f"Bearer {token}"}
                )
                assert "Ответ перед перезапуском" in history.text
            assert len(inbox.quiet_for(1.0)) == 1
        finally:
            stop_server(server)


@pytest.mark.postgres
async def test_two_processes_send_two_quick_replies_as_one_email(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with smtp_server() as inbox, fresh_database() as database_url:
        env = {
            **mail_env(inbox, offline_after=1),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "shared-" + uuid.uuid4().hex * 2,
            "LIVE_CHANNEL_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        }
        first = start_server(tmp_path_factory.mktemp("a"), env)
        second = start_server(tmp_path_factory.mktemp("b"), env)
        try:
            async with (
                httpx.AsyncClient(base_url=first.base_url, timeout=15) as a,
                httpx.AsyncClient(base_url=second.base_url, timeout=15) as b,
            ):
                sid, operator = await away_customer_with_operator(first, a, "b@example.com")
                await operator_says(a, operator, sid, "Первый ответ")
                await operator_says(b, operator, sid, "Второй ответ")
                (email,) = inbox.wait_for(1)
                text = body_of(email)
                assert "Первый ответ" in text and "Второй ответ" in text
                assert len(inbox.quiet_for(1.5)) == 1

                # A page open on one process is "here" for the workers of both: no email.
                sid, operator, token = await customer_with_operator(first, a, "c@example.com")
                async with open_socket(second, f"/ws/chat/{sid}", token) as page:
                    await page.next("ready")
                    await operator_says(a, operator, sid, "Вы на странице")
                    await page.next("message", sender_type="operator")
                    assert len(inbox.quiet_for(2.5)) == 1
        finally:
            stop_server(second)
            stop_server(first)
