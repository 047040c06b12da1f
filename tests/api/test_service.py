"""Cross-cutting behaviour: health, static, docs, headers, errors, logs."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest
from loguru import logger
from sqlalchemy.exc import OperationalError

from tests.support.api import PASSWORD


async def test_health_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_is_503_when_the_database_is_unreachable(
    client: httpx.AsyncClient, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that does not answer makes /health say so, and recovery is seen."""

    async def unreachable() -> None:
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open"))

    monkeypatch.setattr(app.state.db, "ping", unreachable)
    app.state.health.forget()
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"detail": "Database unavailable"}
    monkeypatch.undo()
    app.state.health.forget()
    assert (await client.get("/health")).status_code == 200


async def test_health_pings_at_most_once_a_second(
    client: httpx.AsyncClient, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = 0
    real_ping = app.state.db.ping

    async def counted() -> None:
        nonlocal pings
        pings += 1
        await real_ping()

    monkeypatch.setattr(app.state.db, "ping", counted)
    app.state.health.forget()
    responses = await asyncio.gather(*(client.get("/health") for _ in range(50)))
    assert {r.status_code for r in responses} == {200}
    assert pings == 1


async def test_livez_answers_without_the_database(
    client: httpx.AsyncClient, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> None:
        raise AssertionError("/livez must not touch the database")

    monkeypatch.setattr(app.state.db, "ping", broken)
    response = await client.get("/livez")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_root_serves_the_frontend_with_a_strict_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_docs_work_offline(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/docs-static/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    asset = await client.get("/docs-static/swagger-ui-bundle.js")
    assert asset.status_code == 200


async def test_every_response_has_a_request_id(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/health"), await client.get("/nope")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert second.status_code == 404 and second.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"username": ["a"], "password": {"x": 1}}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"username=a&password=b", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_bodies_are_4xx_json(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post(
        "/auth/register", content=content, headers={"content-type": content_type}
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    big = b'{"username": "' + b"a" * 70_000 + b'", "password": "x"}'
    response = await client.post(
        "/auth/register", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "detail" in response.json()


async def test_openapi_declares_every_status_code(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    message = schema["paths"]["/chat/message"]["post"]["responses"]
    assert {"201", "401", "403", "404", "413", "422", "429"} <= set(message)
    history = schema["paths"]["/chat/history/{session_id}"]
    assert {"401", "403", "404"} <= set(history["get"]["responses"])
    assert "204" in history["delete"]["responses"]
    login = schema["paths"]["/auth/login"]["post"]["responses"]
    assert {"200", "401", "429"} <= set(login)


class TestLogFile:
    """An app of its own, so the log file holds this test's requests only."""

    @pytest.fixture
    def settings_overrides(self, tmp_path: Path) -> dict:
        return {"log_dir": tmp_path / "logs"}

    async def test_logs_have_one_line_per_request_and_no_secrets(
        self, client: httpx.AsyncClient, app, settings, new_user
    ) -> None:
        user = await new_user("logwatcher")
        await client.post(
            "/auth/login", json={"username": "logwatcher", "password": "wrong-pass-1"}
        )
        await client.get("/auth/me", headers=user["headers"])
        logger.info("user said: {}", "hello\n2026-01-01 00:00:00.000 | INFO | forged line")
        app.state.access_log.flush()  # access lines are written in batches
        await logger.complete()
        text = (settings.log_dir / "app.log").read_text(encoding="utf-8")
        assert "POST /auth/register 201" in text
        assert "GET /auth/me 200" in text
        assert PASSWORD not in text and "wrong-pass-1" not in text
        assert "$argon2" not in text
        assert user["token"] not in text
        assert "\n2026-01-01 00:00:00.000 | INFO | forged line" not in text
        assert "hello\\n2026-01-01" in text


async def test_a_500_keeps_the_request_id_and_the_security_headers(
    client: httpx.AsyncClient, new_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sunsupport.auth import router as auth_router

    user = await new_user()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(auth_router.MeOut, "model_validate", broken)
    response = await client.get("/auth/me", headers=user["headers"])
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert len(response.headers["x-request-id"]) == 16
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"
    monkeypatch.undo()
    assert (await client.get("/auth/me", headers=user["headers"])).status_code == 200


class TestSecretsStayOutOfTheLog:
    @pytest.fixture
    def settings_overrides(self, tmp_path: Path) -> dict:
        return {"log_dir": tmp_path / "logs"}

    async def test_a_crash_during_login_does_not_log_the_password(
        self, client: httpx.AsyncClient, app, settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from sunsupport.auth import service as auth_service

        secret_password = "Very-Secret-Passw0rd!"

        async def crashing(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError(f"failed to check password={secret_password}")

        monkeypatch.setattr(auth_service, "authenticate", crashing)
        response = await client.post(
            "/auth/login", json={"username": "someone", "password": secret_password}
        )
        assert response.status_code == 500
        app.state.access_log.flush()
        await logger.complete()
        text = (settings.log_dir / "app.log").read_text(encoding="utf-8")
        assert "unhandled error" in text and "Traceback" in text
        assert secret_password not in text


async def test_oversized_headers_are_refused_with_431(client: httpx.AsyncClient) -> None:
    response = await client.get("/livez", headers={"X-Padding": "x" * 20_000})
    assert response.status_code == 431 and "detail" in response.json()


async def test_a_body_trickling_in_is_cut_off_with_408() -> None:
    """A client sending its body byte by byte, slower than the deadline, is answered
    408 instead of holding the request (the ASGI app directly, with a slow receive)."""
    from sunsupport.core.middleware import BodySizeLimitMiddleware

    async def echo(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = BodySizeLimitMiddleware(echo, max_bytes=1024, body_seconds=0.2)

    async def slow_receive() -> dict:
        await asyncio.sleep(0.1)
        return {"type": "http.request", "body": b"x", "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "headers": [(b"content-length", b"100")]}
    await app(scope, slow_receive, send)
    assert sent[0]["status"] == 408
