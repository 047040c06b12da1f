"""A real ``sunsupport serve`` process on a free port with a database of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx

from tests.support.databases import copy_database, migrate_template
from tests.support.settings import SERVER_ENV, sqlite_url

CLI = [sys.executable, "-m", "sunsupport"]
STARTUP_TIMEOUT_SECONDS = 30


def run_cli(
    *args: str, cwd: Path, env: dict[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``sunsupport <args>`` run to its end, output captured; it may fail (check the code)."""
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def create_user_cli(
    server: RunningServer,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    timeout: float = 60,
) -> None:
    """An account made by ``sunsupport create-user``, as an administrator would make staff
    (the password on stdin; same database as ``server``)."""
    named = ["--display-name", display_name] if display_name else []
    done = run_cli(
        *("create-user", username, "--role", role, "--password-stdin", *named),
        cwd=server.workdir,
        env=server.env,
        stdin=password + "\n",
        timeout=timeout,
    )
    assert done.returncode == 0, f"create-user failed:\n{done.stdout}\n{done.stderr}"


@dataclass
class RunningServer:
    base_url: str
    workdir: Path
    process: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)

    def ws_url(self, path: str) -> str:
        return self.base_url.replace("http://", "ws://") + path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@cache
def _sqlite_template() -> Path:
    return migrate_template(Path(tempfile.mkdtemp(prefix="sunsupport-server-template-")))


def server_env(workdir: Path, extra_env: dict[str, str | None] | None = None) -> dict[str, str]:
    """The environment of a test server: its own SQLite file and logs in ``workdir``,
    cheap Argon2 and no rate limits, unless ``extra_env`` says otherwise (a value of
    None there removes the variable)."""
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_url(workdir / "server.db"),
        "LOG_DIR": str(workdir / "logs"),
        **SERVER_ENV,
    }
    env.pop("SECRET_KEY", None)  # the developer's own key must not leak into a test server
    for name, value in (extra_env or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start_server(
    workdir: Path,
    extra_env: dict[str, str | None] | None = None,
    *,
    migrate: bool = False,
    workers: int = 1,
) -> RunningServer:
    """Start a server in ``workdir``. A new SQLite database is a copy of the migrated
    template; ``migrate=True`` runs ``sunsupport migrate`` first instead, as a newcomer
    would."""
    env = server_env(workdir, extra_env)
    db_file = workdir / "server.db"
    if migrate:
        subprocess.run([*CLI, "migrate"], cwd=workdir, env=env, check=True, timeout=120)
    elif env["DATABASE_URL"] == sqlite_url(db_file) and not db_file.exists():
        copy_database(_sqlite_template(), db_file)
    port = free_port()
    # The server's console output goes to a file, never to a pipe nobody reads: once a
    # pipe's 64 KiB buffer is full, the server blocks on its next log line and hangs.
    output = workdir / "server.out"
    command = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with output.open("a", encoding="utf-8") as console:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=console, stderr=subprocess.STDOUT, text=True
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{output.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return RunningServer(base_url, workdir, process, env)
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"server did not become healthy in {STARTUP_TIMEOUT_SECONDS} s")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)
