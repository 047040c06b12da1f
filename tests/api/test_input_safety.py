"""Every string from a request is checked before it reaches the database or a log:
NUL and control characters are refused with 422 (PostgreSQL would answer NUL with an
error, so this runs on both), invisible and overloaded texts too."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import PASSWORD, make_staff, open_chat, say

NUL = "a\x00b"


@pytest.mark.both_databases
async def test_nul_is_refused_everywhere_with_422(client: httpx.AsyncClient, app, new_user) -> None:
    user = await new_user()
    admin = await make_staff(app, client, "admin")
    sid = await open_chat(client, user)
    await say(client, user, sid, "позовите оператора")
    await client.post(f"/operator/sessions/{sid}/claim", headers=admin["headers"])
    attempts = [
        ("POST", "/auth/login", None, {"username": NUL, "password": "whatever1"}),
        ("POST", "/auth/login", None, {"username": user["username"], "password": NUL + "12345"}),
        ("POST", "/auth/register", None, {"username": "nulluser", "password": NUL * 5}),
        ("POST", "/chat/message", user, {"session_id": sid, "text": NUL}),
        ("POST", f"/operator/sessions/{sid}/message", admin, {"text": NUL}),
        ("POST", "/admin/canned", admin, {"shortcut": "hi", "text": NUL}),
        ("POST", "/admin/examples", admin, {"intent": "pricing", "text": NUL}),
        ("POST", "/bot/parse", user, {"text": NUL}),
        ("GET", "/chat/history/a%00b", user, None),
        ("GET", "/chat/session/a%00b", user, None),
        ("DELETE", "/chat/history/a%00b", user, None),
        ("POST", "/operator/sessions/a%00b/claim", admin, None),
    ]
    for method, url, who, body in attempts:
        headers = who["headers"] if who else {}
        response = await client.request(method, url, headers=headers, json=body)
        assert response.status_code == 422, (method, url, response.status_code, response.text)
        assert "detail" in response.json()
    await client.post(f"/operator/sessions/{sid}/resolve", headers=admin["headers"])
    rating = await client.post(
        f"/chat/session/{sid}/rating", headers=user["headers"], json={"rating": 5, "comment": NUL}
    )
    assert rating.status_code == 422


@pytest.mark.parametrize(
    "text",
    ["\u200b", "\ufeff\u200b \u200b", "a" + "\u0301" * 1999, "\u0007 bell", "tab\x0bvertical"],
)
async def test_invisible_or_overloaded_messages_are_refused(
    client: httpx.AsyncClient, new_user, text: str
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    response = await client.post(
        "/chat/message", headers=user["headers"], json={"session_id": sid, "text": text}
    )
    assert response.status_code == 422


async def test_invisible_characters_are_stripped_before_the_length_check(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    sid = await open_chat(client, user)
    padded = "\u200b" * 10 + "с" * 2000 + "\ufeff"
    stored = await say(client, user, sid, padded)
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert history[0]["id"] == stored["message_id"] and history[0]["text"] == "с" * 2000
    family = "👨\u200d👩\u200d👧 и é"
    await say(client, user, sid, family)
    history = (await client.get(f"/chat/history/{sid}", headers=user["headers"])).json()
    assert history[-2]["text"] == family  # the joiner inside emoji is kept


async def test_odd_but_valid_input_gets_4xx_not_500(
    client: httpx.AsyncClient, app, settings
) -> None:
    import jwt

    from sunsupport.core.security import ALGORITHM

    admin = await make_staff(app, client, "admin")
    far_past = await client.get(
        "/admin/stats", params={"to": "0001-01-05"}, headers=admin["headers"]
    )
    assert far_past.status_code == 422
    secret = settings.secret_key
    for claims in (
        {"sub": str(admin["id"]), "iat": 0, "exp": 10**12},
        {"sub": str(admin["id"]), "iat": 0, "exp": "tomorrow"},
        {"sub": "1" * 40, "iat": 0, "exp": 4_000_000_000},
        {"sub": "-5", "iat": 0, "exp": 4_000_000_000},
    ):
        token = jwt.encode(claims, secret, algorithm=ALGORITHM)
        response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (claims, response.text)


async def test_a_password_with_control_characters_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register", json={"username": "ctrlchar", "password": PASSWORD + "\x1b"}
    )
    assert response.status_code == 422


async def test_unpaired_surrogates_are_refused_with_422_and_nothing_changes(
    client: httpx.AsyncClient, app, new_user
) -> None:
    """``"\\ud800"`` is valid JSON but no encodable text: the driver and Argon2 would fail
    on it. A client library will not even encode it, so the bodies are sent as bytes;
    a pair that makes one character (an emoji) stays welcome."""
    user = await new_user()
    admin = await make_staff(app, client, "admin")
    staff = await make_staff(app, client, "operator")
    sid = await open_chat(client, user)
    lone = "a\\ud800"
    attempts = [
        ("POST", "/auth/login", None, f'{{"username": "{lone}", "password": "x"}}'),
        (
            "POST",
            "/auth/login",
            None,
            f'{{"username": "{user["username"]}", "password": "{lone}"}}',
        ),
        (
            "POST",
            "/auth/register",
            None,
            f'{{"username": "abcdefg", "password": "{PASSWORD}{lone}"}}',
        ),
        ("POST", "/auth/register", None, f'{{"username": "abc{lone}", "password": "{PASSWORD}"}}'),
        (
            "POST",
            "/auth/password",
            user,
            f'{{"current_password": "{lone}", "new_password": "{PASSWORD}2"}}',
        ),
        (
            "POST",
            "/auth/password",
            user,
            f'{{"current_password": "{PASSWORD}", "new_password": "{PASSWORD}{lone}"}}',
        ),
        ("DELETE", "/auth/me", user, f'{{"password": "{lone}"}}'),
        ("PATCH", f"/chat/session/{sid}", user, f'{{"title": "{lone}"}}'),
        ("PATCH", "/auth/me", user, f'{{"display_name": "{lone}"}}'),
        ("PATCH", f"/admin/staff/{staff['id']}", admin, f'{{"display_name": "{lone}"}}'),
        ("POST", "/chat/message", user, f'{{"session_id": "{sid}", "text": "\\udc00 b"}}'),
    ]
    for method, url, who, body in attempts:
        headers = {"Content-Type": "application/json", **(who["headers"] if who else {})}
        response = await client.request(method, url, headers=headers, content=body.encode())
        assert response.status_code == 422, (method, url, response.status_code, response.text)
        assert "detail" in response.json()

    me = (await client.get("/auth/me", headers=user["headers"])).json()
    assert me["display_name"] == user["username"]
    chat = (await client.get(f"/chat/session/{sid}", headers=user["headers"])).json()
    assert chat["title"] is None
    emoji = await client.patch(
        f"/chat/session/{sid}",
        headers={"Content-Type": "application/json", **user["headers"]},
        content=b'{"title": "\\ud83d\\ude00 ok"}',
    )
    assert emoji.status_code == 200 and emoji.json()["title"] == "\U0001f600 ok"
