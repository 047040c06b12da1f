"""Sliding sessions: ``POST /auth/renew`` gives a signed-in person the same session's
next token, revoked like any other and never past ``SESSION_MAX_HOURS``."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest

from sunsupport.core import security
from sunsupport.core.config import Settings
from sunsupport.core.timeutil import utcnow
from tests.support.api import PASSWORD, new_visitor


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_of(token: str, settings: Settings) -> dict:
    return jwt.decode(token, settings.secret_key, algorithms=["HS256"])


def old_token(
    user_id: int,
    settings: Settings,
    *,
    signed_in_ago: timedelta,
    issued_ago: timedelta,
    expires_in: timedelta = timedelta(minutes=10),
    version: int = 0,
    auth_time: bool = True,
) -> str:
    """A token as it was issued a while ago (the clock cannot be moved in the server)."""
    now = utcnow()
    claims: dict[str, object] = {
        "sub": str(user_id),
        "tv": version,
        "iat": now - issued_ago,
        "exp": now + expires_in,
    }
    if auth_time:
        claims["auth_time"] = int((now - signed_in_ago).timestamp())
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


async def renew(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/auth/renew", headers=bearer(token))


async def test_a_renewed_token_works_and_lives_a_full_lifetime_from_now(
    client: httpx.AsyncClient, new_user, settings: Settings
) -> None:
    user = await new_user()
    token = old_token(
        user["id"], settings, signed_in_ago=timedelta(minutes=20), issued_ago=timedelta(minutes=20)
    )
    response = await renew(client, token)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    fresh = response.json()["access_token"]
    me = await client.get("/auth/me", headers=bearer(fresh))
    assert me.status_code == 200 and me.json()["id"] == user["id"]
    before, after = claims_of(token, settings), claims_of(fresh, settings)
    assert after["sub"] == before["sub"] and after["tv"] == before["tv"]
    assert after["auth_time"] == before["auth_time"]  # the same sign-in
    assert after["exp"] - after["iat"] == settings.access_token_expire_minutes * 60
    assert after["exp"] > before["exp"]


async def test_a_login_token_says_when_its_session_began(new_user, settings: Settings) -> None:
    user = await new_user()
    claims = claims_of(user["token"], settings)
    assert claims["auth_time"] == claims["iat"]


async def test_renewals_chain_and_logout_everywhere_ends_them(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    first = (await renew(client, user["token"])).json()["access_token"]
    second = (await renew(client, first)).json()["access_token"]
    assert (await client.post("/auth/logout-all", headers=bearer(second))).status_code == 204
    for token in (user["token"], first, second):
        assert (await renew(client, token)).status_code == 401
        assert (await client.get("/auth/me", headers=bearer(token))).status_code == 401


async def test_a_new_password_revokes_renewed_tokens(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    renewed = (await renew(client, user["token"])).json()["access_token"]
    change = await client.post(
        "/auth/password",
        headers=user["headers"],
        json={"current_password": PASSWORD, "new_password": "another-sunny-day-7"},
    )
    assert change.status_code == 200
    refused = await renew(client, renewed)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert (await renew(client, change.json()["access_token"])).status_code == 200


async def test_a_deleted_accounts_token_is_not_renewed(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    gone = await client.request(
        "DELETE", "/auth/me", headers=user["headers"], json={"password": PASSWORD}
    )
    assert gone.status_code == 204
    assert (await renew(client, user["token"])).status_code == 401


@pytest.mark.parametrize(
    "problem", ["expired", "email-link key", "another key", "none", "not a token"]
)
async def test_bad_tokens_are_not_renewed(
    client: httpx.AsyncClient, new_user, settings: Settings, problem: str
) -> None:
    user = await new_user()
    secret = settings.secret_key or ""
    tokens = {
        "expired": old_token(
            user["id"],
            settings,
            signed_in_ago=timedelta(hours=1),
            issued_ago=timedelta(hours=1),
            expires_in=timedelta(seconds=-1),
        ),
        "email-link key": security.create_email_link_key(user["id"], secret, 7, 0, "s1"),
        "another key": security.create_access_token(user["id"], "another-secret-" + "y" * 40, 30),
        "none": None,
        "not a token": "not-a-jwt",
    }
    token = tokens[problem]
    response = await client.post("/auth/renew", headers=bearer(token) if token else {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_visitor_renews_elsewhere(client: httpx.AsyncClient) -> None:
    visitor = await new_visitor(client)
    response = await client.post("/auth/renew", headers=visitor["headers"])
    assert response.status_code == 403
    assert "/auth/visitor/renew" in response.json()["detail"]


async def test_a_renewal_never_outlives_the_session(
    client: httpx.AsyncClient, new_user, settings: Settings
) -> None:
    """Ten minutes before the session's end, the renewed token lives ten minutes, not 30."""
    user = await new_user()
    session = timedelta(hours=settings.session_max_hours)
    token = old_token(
        user["id"],
        settings,
        signed_in_ago=session - timedelta(minutes=10),
        issued_ago=timedelta(minutes=20),
    )
    response = await renew(client, token)
    assert response.status_code == 200, response.text
    before, after = claims_of(token, settings), claims_of(response.json()["access_token"], settings)
    assert after["exp"] == before["auth_time"] + int(session.total_seconds())
    assert after["auth_time"] == before["auth_time"]


async def test_a_session_past_its_maximum_is_over(
    client: httpx.AsyncClient, new_user, settings: Settings
) -> None:
    """A token that still works (issued under a longer-lived configuration) but whose
    session began more than ``SESSION_MAX_HOURS`` ago is not renewed."""
    user = await new_user()
    token = old_token(
        user["id"],
        settings,
        signed_in_ago=timedelta(hours=settings.session_max_hours, minutes=1),
        issued_ago=timedelta(minutes=20),
    )
    assert (await client.get("/auth/me", headers=bearer(token))).status_code == 200
    response = await renew(client, token)
    assert response.status_code == 401
    assert "log in again" in response.json()["detail"]


async def test_a_token_from_before_sign_in_times_counts_from_its_issue(
    client: httpx.AsyncClient, new_user, settings: Settings
) -> None:
    user = await new_user()
    token = old_token(
        user["id"],
        settings,
        signed_in_ago=timedelta(0),
        issued_ago=timedelta(minutes=20),
        auth_time=False,
    )
    response = await renew(client, token)
    assert response.status_code == 200
    issued = claims_of(token, settings)["iat"]
    assert claims_of(response.json()["access_token"], settings)["auth_time"] == issued


class TestRenewalLimits:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"rate_limit_renewals": "2/minute"}

    async def test_renewals_are_throttled_per_user(
        self, client: httpx.AsyncClient, new_user
    ) -> None:
        user, other = await new_user(), await new_user()
        for _ in range(2):
            assert (await renew(client, user["token"])).status_code == 200
        blocked = await renew(client, user["token"])
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) >= 1
        assert (await renew(client, other["token"])).status_code == 200


def test_second_lifetimes_are_for_tests_only() -> None:
    with pytest.raises(ValueError, match="ENV=test"):
        Settings(_env_file=None, env="development", test_access_token_expire_seconds=5)  # type: ignore[call-arg]


def test_the_session_is_never_shorter_than_one_token() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, access_token_expire_minutes=60 * 24, session_max_hours=12
    )
    assert settings.session_lifetime == timedelta(hours=24)
