"""A real `sunsupport serve` process on a free port with its own database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest


@dataclass
class RunningServer:
    base_url: str
    workdir: Path
    process: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, extra_env: dict[str, str] | None = None) -> RunningServer:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'server.db'}",
        "LOG_DIR": str(workdir / "logs"),
        "RATE_LIMIT_MESSAGES": "",
        "RATE_LIMIT_SESSIONS": "",
        "RATE_LIMIT_LOGIN_FAILURES": "",
    }
    env.pop("SECRET_KEY", None)  # the developer's own key must not leak into a test server
    env.update(extra_env or {})
    subprocess.run(
        [sys.executable, "-m", "sunsupport", "migrate"], cwd=workdir, env=env, check=True
    )
    # The server's console output goes to a file, never to a pipe nobody reads: once a
    # pipe's 64 KiB buffer is full, the server blocks on its next log line and hangs.
    output = workdir / "server.out"
    command = [sys.executable, "-m", "sunsupport", "serve", "--host", "127.0.0.1"]
    with output.open("a", encoding="utf-8") as console:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=console,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{output.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return RunningServer(base_url, workdir, process, env)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become healthy in 30 s")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)
