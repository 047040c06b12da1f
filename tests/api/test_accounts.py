"""Changing the password, signing out everywhere, and the rules for names and passwords."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import PASSWORD

pytestmark = pytest.mark.both_databases
NEW_PASSWORD = "amber-sunrise-77"


async def change(client: httpx.AsyncClient, user: dict, current: str, new: str) -> httpx.Response:
    return await client.post(
        "/auth/password",
        headers=user["headers"],
        json={"current_password": current, "new_password": new},
    )


async def test_a_password_change_revokes_every_older_token_and_gives_a_new_one(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    second = await client.post(
        "/auth/login", json={"username": user["username"], "password": PASSWORD}
    )
    other_tab = {"Authorization": f"Bearer {second.json()['access_token']}"}

    response = await change(client, user, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    fresh = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert (await client.get("/auth/me", headers=fresh)).status_code == 200
    for old in (user["headers"], other_tab):
        refused = await client.get("/auth/me", headers=old)
        assert refused.status_code == 401
        assert "revoked" in refused.json()["detail"]
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    old_login = {"username": user["username"], "password": PASSWORD}
    assert (await client.post("/auth/login", json=old_login)).status_code == 401
    new_login = {"username": user["username"], "password": NEW_PASSWORD}
    assert (await client.post("/auth/login", json=new_login)).status_code == 200


async def test_a_wrong_current_password_is_403_and_changes_nothing(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    response = await change(client, user, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 403
    assert response.json()["detail"] == "The password is wrong"
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_login_failures": "2/minute"}])
async def test_wrong_current_passwords_count_as_failed_logins(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    statuses = [(await change(client, user, "guess-number-x", NEW_PASSWORD)).status_code]
    statuses.append((await change(client, user, "guess-number-y", NEW_PASSWORD)).status_code)
    statuses.append((await change(client, user, PASSWORD, NEW_PASSWORD)).status_code)
    assert statuses == [403, 403, 429]
    login = {"username": user["username"], "password": PASSWORD}
    assert (await client.post("/auth/login", json=login)).status_code == 429


@pytest.mark.parametrize(
    ("new", "error_type"),
    [
        ("password", "password_too_common"),
        ("12345678", "password_too_common"),
        ("qwertyuiop", "password_too_common"),
        ("йцукенгшщз", "password_too_common"),
        ("short", "too_short"),
        ("x" * 129, "too_long"),
    ],
)
async def test_a_weak_new_password_is_422_and_the_old_one_stays(
    client: httpx.AsyncClient, new_user, new: str, error_type: str
) -> None:
    user = await new_user()
    response = await change(client, user, PASSWORD, new)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == error_type
    assert error["loc"] == ["body", "new_password"]
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 200


async def test_the_new_password_must_not_be_the_username(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user("sunflower7")
    for new in ("SunFlower7", "7rewolfnus", "my-sunflower7-pass"):
        response = await change(client, user, PASSWORD, new)
        assert response.status_code == 422, new
        assert response.json()["detail"][0]["type"] == "password_like_username"


async def test_logout_all_revokes_every_token_including_the_callers(
    client: httpx.AsyncClient, new_user
) -> None:
    user = await new_user()
    other = await client.post(
        "/auth/login", json={"username": user["username"], "password": PASSWORD}
    )
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}

    response = await client.post("/auth/logout-all", headers=user["headers"])

    assert response.status_code == 204
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 401
    assert (await client.get("/auth/me", headers=other_headers)).status_code == 401
    again = await client.post("/auth/logout-all", headers=user["headers"])
    assert again.status_code == 401
    login = {"username": user["username"], "password": PASSWORD}
    relogin = await client.post("/auth/login", json=login)
    fresh = {"Authorization": f"Bearer {relogin.json()['access_token']}"}
    assert (await client.get("/auth/me", headers=fresh)).status_code == 200


@pytest.mark.parametrize(
    ("password", "error_type"),
    [
        ("password", "password_too_common"),
        ("12345678", "password_too_common"),
        ("iloveyou", "password_too_common"),
        ("sunny_dawn-x", "password_like_username"),
        ("nwad_ynnus", "password_like_username"),
    ],
)
async def test_registration_refuses_weak_passwords(
    client: httpx.AsyncClient, password: str, error_type: str
) -> None:
    response = await client.post(
        "/auth/register", json={"username": "sunny_dawn", "password": password}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == (error_type, ["body", "password"])


@pytest.mark.parametrize(
    "look_alike",
    [
        "аdmin1",  # Cyrillic а (mixed scripts, and a look-alike)
        "ａｄｍｉｎ1",  # fullwidth: NFKC makes it admin1 itself
        "ADMIN1",
        "adminl",  # l for 1
        "AdmIn1",
    ],
)
async def test_a_look_alike_of_an_existing_name_is_refused(
    client: httpx.AsyncClient, look_alike: str
) -> None:
    first = await client.post("/auth/register", json={"username": "admin1", "password": PASSWORD})
    assert first.status_code == 201
    response = await client.post(
        "/auth/register", json={"username": look_alike, "password": PASSWORD}
    )
    assert response.status_code == 409, response.text
    assert "taken" in response.json()["detail"]


async def test_names_are_nfkc_normalised_and_of_one_script(client: httpx.AsyncClient) -> None:
    wide = await client.post(
        "/auth/register", json={"username": "ｓｏｌｎｃｅ", "password": PASSWORD}
    )
    assert wide.status_code == 201
    assert wide.json()["username"] == "solnce"
    login = await client.post(
        "/auth/login", json={"username": "ｓｏｌｎｃｅ", "password": PASSWORD}
    )
    assert login.status_code == 200
    mixed = await client.post("/auth/register", json={"username": "sоlnce2", "password": PASSWORD})
    assert mixed.status_code == 422
    assert mixed.json()["detail"][0]["type"] == "username_script"
    cyrillic = await client.post(
        "/auth/register", json={"username": "солнце", "password": PASSWORD}
    )
    assert cyrillic.status_code == 201
    greek = await client.post("/auth/register", json={"username": "ηλιος", "password": PASSWORD})
    assert greek.status_code == 422


async def test_a_cyrillic_look_alike_of_a_latin_name_is_409(client: httpx.AsyncClient) -> None:
    """``сор`` in Cyrillic letters only (one script) looks exactly like Latin ``cop``."""
    assert (
        await client.post("/auth/register", json={"username": "cope", "password": PASSWORD})
    ).status_code == 201
    response = await client.post("/auth/register", json={"username": "соре", "password": PASSWORD})
    assert response.status_code == 409
    assert "looks the same" in response.json()["detail"]
