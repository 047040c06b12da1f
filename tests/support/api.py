"""Accounts, staff, chats and messages through the HTTP API of an in-process app."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from sunsupport.models import User

PASSWORD = "correct-horse-42"


async def register_and_login(client: httpx.AsyncClient, username: str | None = None) -> dict:
    """Register a fresh user; returns ``{"id", "username", "token", "headers"}``."""
    username = username or "u" + uuid.uuid4().hex[:10]
    response = await client.post(
        "/auth/register", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    login = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    return {
        **response.json(),
        "token": token,
        "headers": {"Authorization": f"Bearer {token}"},
    }


async def make_staff(app: FastAPI, client: httpx.AsyncClient, role: str = "operator") -> dict:
    """A registered account promoted to ``role`` (staff are never made through the API)."""
    account = await register_and_login(client)
    await app.state.db.write(
        lambda session: session.execute(
            update(User).where(User.id == account["id"]).values(role=role)
        )
    )
    return {**account, "role": role}


async def open_chat(client: httpx.AsyncClient, user: dict) -> str:
    """A new chat session of ``user``; returns its id."""
    response = await client.post("/chat/session", headers=user["headers"])
    assert response.status_code == 200, response.text
    return response.json()["id"]


async def say(client: httpx.AsyncClient, user: dict, sid: str, text: str) -> dict:
    """Send a message that must be accepted; returns the response body."""
    response = await client.post(
        "/chat/message", headers=user["headers"], json={"session_id": sid, "text": text}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def new_visitor(client: httpx.AsyncClient) -> dict:
    """A widget visitor; returns the body of ``POST /auth/visitor`` and ``headers``."""
    response = await client.post("/auth/visitor")
    assert response.status_code == 201, response.text
    body = response.json()
    return {**body, "headers": {"Authorization": f"Bearer {body['access_token']}"}}
