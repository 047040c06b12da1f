from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import delete

from sunsupport.core import security
from sunsupport.core.timeutil import utcnow
from sunsupport.models import User
from tests.support.api import PASSWORD


async def test_register_returns_id_and_username(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register", json={"username": "Ivan_1", "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "Ivan_1"
    assert isinstance(body["id"], int)
    assert set(body) == {"id", "username"}


@pytest.mark.both_databases
@pytest.mark.parametrize("taken", ["sunny", "SUNNY", "Sunny"])
async def test_taken_username_is_409_whatever_the_case(
    client: httpx.AsyncClient, taken: str
) -> None:
    await client.post("/auth/register", json={"username": "sunny", "password": PASSWORD})
    response = await client.post("/auth/register", json={"username": taken, "password": PASSWORD})
    assert response.status_code == 409
    assert "taken" in response.json()["detail"]


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("abc", PASSWORD),  # too short
        ("a" * 21, PASSWORD),  # too long
        ("bad name", PASSWORD),  # space
        ("bad<name>", PASSWORD),  # markup
        ("good_name", "short"),  # password < 8
        ("good_name", "x" * 129),  # password > 128
        ("good_name", None),
        (12345, PASSWORD),
    ],
)
async def test_register_validates_input(client: httpx.AsyncClient, username, password) -> None:
    response = await client.post(
        "/auth/register", json={"username": username, "password": password}
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize("username", ["ivan.petrov", "ivan-petrov", "Иван_2024", "sun_fan"])
async def test_register_accepts_letters_digits_and_separators(
    client: httpx.AsyncClient, username: str
) -> None:
    response = await client.post(
        "/auth/register", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text


async def test_login_returns_bearer_token(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    response = await client.post(
        "/auth/login", json={"username": user["username"], "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    me = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json() == {
        "id": user["id"],
        "username": user["username"],
        "role": "user",
        "display_name": user["username"],
        "email": None,
    }


async def test_wrong_password_and_unknown_user_look_the_same(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    wrong = await client.post(
        "/auth/login", json={"username": user["username"], "password": "wrong-password"}
    )
    unknown = await client.post(
        "/auth/login", json={"username": "nobody_here", "password": "wrong-password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_unknown_user_still_runs_a_password_verification(
    client: httpx.AsyncClient, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing equality comes from verifying against a dummy hash when the user is missing."""
    calls: list[str] = []
    hasher = app.state.passwords._hasher
    real_verify = hasher.verify

    def spy(password: str, hashed: str) -> bool:
        calls.append(hashed)
        return real_verify(password, hashed)

    monkeypatch.setattr(hasher, "verify", spy)
    await client.post("/auth/login", json={"username": "nobody_here", "password": "whatever1"})
    assert len(calls) == 1 and calls[0].startswith("$argon2")


async def test_password_hashing_runs_off_the_event_loop(
    client: httpx.AsyncClient, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    hasher = app.state.passwords._hasher
    real_hash = hasher.hash

    def spy(password: str) -> str:
        threads.append(threading.current_thread())
        return real_hash(password)

    monkeypatch.setattr(hasher, "hash", spy)
    await client.post("/auth/register", json={"username": "threaded", "password": PASSWORD})
    assert threads and all(t is not threading.main_thread() for t in threads)


async def test_oauth2_token_form_for_swagger(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    response = await client.post(
        "/auth/token", data={"username": user["username"], "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
async def test_missing_or_bad_token_is_401_with_challenge(
    client: httpx.AsyncClient, headers: dict
) -> None:
    response = await client.get("/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "detail" in response.json()


async def test_expired_token_is_401(client: httpx.AsyncClient, new_user, settings) -> None:
    user = await new_user()
    past = utcnow() - timedelta(hours=2)
    token = jwt.encode(
        {"sub": str(user["id"]), "iat": past, "exp": past + timedelta(minutes=30)},
        settings.secret_key,
        algorithm="HS256",
    )
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_token_signed_with_another_key_is_401(client: httpx.AsyncClient, new_user) -> None:
    user = await new_user()
    forged = security.create_access_token(user["id"], "another-secret-" + "y" * 40, 30)
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_token_without_exp_is_refused(client: httpx.AsyncClient, new_user, settings) -> None:
    user = await new_user()
    token = jwt.encode({"sub": str(user["id"]), "iat": utcnow()}, settings.secret_key)
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_token_carries_exp_and_user_id(new_user, settings) -> None:
    user = await new_user()
    claims = jwt.decode(user["token"], settings.secret_key, algorithms=["HS256"])
    assert claims["sub"] == str(user["id"])
    lifetime = claims["exp"] - claims["iat"]
    assert lifetime == settings.access_token_expire_minutes * 60


@pytest.mark.both_databases
async def test_deleted_users_token_never_opens_a_new_account(
    client: httpx.AsyncClient, app, new_user
) -> None:
    old = await new_user("reused")
    await app.state.db.write(
        lambda session: session.execute(delete(User).where(User.id == old["id"]))
    )
    assert (await client.get("/auth/me", headers=old["headers"])).status_code == 401
    new = await new_user("reused")
    assert new["id"] != old["id"]
    assert (await client.get("/auth/me", headers=old["headers"])).status_code == 401


class TestLoginThrottle:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"rate_limit_login_failures": "3/minute"}

    async def test_failures_for_one_username_are_throttled(
        self, client: httpx.AsyncClient, new_user
    ) -> None:
        user = await new_user()
        for _ in range(3):
            response = await client.post(
                "/auth/login", json={"username": user["username"], "password": "bad-password"}
            )
            assert response.status_code == 401
        blocked = await client.post(
            "/auth/login", json={"username": user["username"], "password": PASSWORD}
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) >= 1
        assert "detail" in blocked.json()

    async def test_failures_from_one_address_are_throttled_across_usernames(
        self, client: httpx.AsyncClient
    ) -> None:
        """An address gets five times a name's allowance (an office behind one address is
        not locked out by one person), then it is throttled whatever the name."""
        for i in range(15):
            response = await client.post(
                "/auth/login", json={"username": f"ghost{i}", "password": "x" * 8}
            )
            assert response.status_code == 401
        blocked = await client.post(
            "/auth/login", json={"username": "ghost99", "password": "x" * 8}
        )
        assert blocked.status_code == 429

    async def test_parallel_guesses_cannot_outrun_the_throttle(
        self, client: httpx.AsyncClient, new_user
    ) -> None:
        """Thirty wrong passwords at once, and the right one last: three get 401, the rest
        429, the right one too (its address and name are throttled)."""
        user = await new_user()
        wrong = {"username": user["username"], "password": "bad-password"}
        responses = await asyncio.gather(
            *(client.post("/auth/login", json=wrong) for _ in range(30)),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [401] * 3 + [429] * 27
        right = await client.post(
            "/auth/login", json={"username": user["username"], "password": PASSWORD}
        )
        assert right.status_code == 429

    async def test_a_victim_is_not_locked_out_from_another_address(
        self, app, client: httpx.AsyncClient, new_user
    ) -> None:
        user = await new_user()
        for _ in range(3):
            await client.post(
                "/auth/login", json={"username": user["username"], "password": "bad-password"}
            )
        transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as elsewhere:
            ok = await elsewhere.post(
                "/auth/login", json={"username": user["username"], "password": PASSWORD}
            )
        assert ok.status_code == 200

    async def test_successful_logins_are_not_counted(
        self, client: httpx.AsyncClient, new_user
    ) -> None:
        user = await new_user()
        for _ in range(5):
            response = await client.post(
                "/auth/login", json={"username": user["username"], "password": PASSWORD}
            )
            assert response.status_code == 200


@pytest.mark.both_databases
async def test_concurrent_registrations_and_logins_never_lock_the_database(
    client: httpx.AsyncClient,
) -> None:
    names = [f"burst{i}" for i in range(8)]
    registered = await asyncio.gather(
        *(client.post("/auth/register", json={"username": n, "password": PASSWORD}) for n in names)
    )
    assert [r.status_code for r in registered] == [201] * 8
    logins = await asyncio.gather(
        *(client.post("/auth/login", json={"username": n, "password": PASSWORD}) for n in names)
    )
    assert [r.status_code for r in logins] == [200] * 8
