"""Talking to a real server as its users do: accounts over HTTP, staff from the CLI,
and WebSockets that authenticate with their first frame."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.servers import RunningServer, create_user_cli

PASSWORD = "sunshine-123"


def create_staff(
    server: RunningServer, role: str = "operator", display_name: str | None = None
) -> dict[str, str]:
    """Staff accounts come from the command line, as an administrator would make them."""
    username = f"{role[:3]}{uuid.uuid4().hex[:8]}"
    create_user_cli(server, username, PASSWORD, role, display_name)
    return {"username": username, "password": PASSWORD}


async def login(http: httpx.AsyncClient, credentials: dict[str, str]) -> dict[str, str]:
    response = await http.post("/auth/login", json=credentials)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def new_user(http: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    credentials = {"username": "u" + uuid.uuid4().hex[:10], "password": PASSWORD}
    assert (await http.post("/auth/register", json=credentials)).status_code == 201
    headers = await login(http, credentials)
    return headers["Authorization"].split()[1], headers


class Socket:
    """A WebSocket client that authenticates with its first frame."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def next(self, kind: str, wait_seconds: float = 10, **match: Any) -> dict[str, Any]:
        """The next frame of ``kind`` whose fields match (skipping others)."""

        async def wait() -> dict[str, Any]:
            while True:
                frame = json.loads(await self.connection.recv())
                if frame.get("type") != kind:
                    continue
                body = frame.get("message") or frame.get("session") or frame
                if all(body.get(k) == v for k, v in match.items()):
                    return frame

        return await asyncio.wait_for(wait(), wait_seconds)

    async def closed_code(self, seconds: float = 10) -> int:
        """Read until the server closes the connection; its close code (-1: no close
        frame)."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1
        raise AssertionError("the server did not close the connection")


@asynccontextmanager
async def open_socket(
    server: RunningServer, path: str, token: str, after_id: int = 0
) -> AsyncIterator[Socket]:
    async with connect(server.ws_url(path)) as connection:
        await connection.send(json.dumps({"type": "auth", "token": token, "after_id": after_id}))
        yield Socket(connection)
