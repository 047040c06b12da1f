"""Benchmark plumbing: real server processes, throwaway databases, closed-loop clients.

Every figure comes from real HTTP over loopback against a real ``sunsupport serve``
(or a bare FastAPI app for scale). The load generator is aiohttp in this process: each
client sends a request, waits for the answer, and sends the next (a closed loop), so the
server is never offered more work than the clients can take back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx

PASSWORD = "bench-password-42"  # noqa: S105 (throwaway benchmark accounts)
TEXTS = ["привет", "когда взойдёт солнце в Самаре?", "какая погода", "спасибо, пока", "а если нет"]
PYTHON = sys.executable


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    workdir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{url} did not answer in 60 s")


def start_service(
    workdir: Path, database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Server:
    """``sunsupport migrate`` then ``sunsupport serve`` with the rate limits off."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_DIR": str(workdir / "logs"),
        "SECRET_KEY": "bench-" + "s" * 60,
        "RATE_LIMIT_MESSAGES": "",
        "RATE_LIMIT_SESSIONS": "",
        "RATE_LIMIT_LOGIN_FAILURES": "",
        "RATE_LIMIT_REGISTRATIONS": "",
        "RATE_LIMIT_BOT_PARSE": "",
        "RATE_LIMIT_FEEDBACK": "",
        **(env or {}),
    }
    subprocess.run(
        [PYTHON, "-m", "sunsupport", "migrate"], cwd=workdir, env=environment, check=True
    )
    port = free_port()
    command = [PYTHON, "-m", "sunsupport", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = workdir / "server.out"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=workdir,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    _wait_healthy(process, f"{base_url}/health", log)
    return Server(base_url, process, workdir)


def start_bare(workdir: Path) -> Server:
    """A bare FastAPI app returning {"status": "ok"}, served like ours (uvicorn, one worker)."""
    return _start_uvicorn(
        "bare_app:app", workdir, "/", ["--no-access-log", "--log-level", "warning"]
    )


def start_seed(workdir: Path) -> Server:
    """The seed rebuilt from its README (``seed_app.py``), run as its README says: plain
    ``uvicorn``, access log on, its SQLite file in ``workdir``, the bot's 2 s sleep off."""
    env = {"SEED_DATABASE": str(workdir / "seed.db"), "SEED_BOT_DELAY": "0"}
    return _start_uvicorn("seed_app:app", workdir, "/livez", [], env)


def _start_uvicorn(
    app: str, workdir: Path, probe: str, options: list[str], env: dict[str, str] | None = None
) -> Server:
    port = free_port()
    log = workdir / f"{app.split(':')[0]}.out"
    command = [PYTHON, "-m", "uvicorn", app, "--app-dir", str(Path(__file__).parent)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            cwd=workdir,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    _wait_healthy(process, f"{base_url}{probe}", log)
    return Server(base_url, process, workdir)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextlib.contextmanager
def workdir_for(path: Path | None) -> Iterator[Path]:
    """``path`` (kept afterwards, to look at the database and logs), or a temporary one."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="sunsupport-bench-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def database(url: str | None, workdir: Path) -> Iterator[str]:
    """A SQLite file in ``workdir``, or a new PostgreSQL database dropped afterwards."""
    if not url:
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"sunsupport_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ----------------------------------------------------------------------------- measuring


@dataclass
class Result:
    name: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)
    """Cores used by the server, the database and this process (see ``cpu.split``)."""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    def row(self, baseline: float | None = None) -> dict[str, object]:
        return {
            "name": self.name,
            "clients": self.clients,
            "per_s": round(self.rate, 1),
            "ratio": round(self.rate / baseline, 3) if baseline else None,
            "p50_ms": round(self.percentile(50), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1)
            if self.latencies
            else None,
            "ok": len(self.latencies),
            "errors": dict(self.errors),
            **self.cpu,
            "server_cpu_ms": round(
                1000 * self.cpu["server_cores"] * self.seconds / len(self.latencies), 2
            )
            if self.cpu and self.latencies
            else None,
        }


Request = Callable[[aiohttp.ClientSession, int], Awaitable[int]]
"""Send one request as client ``n``; return the HTTP status."""


async def closed_loop(
    name: str,
    base_url: str,
    clients: int,
    seconds: float,
    request: Request,
    ok: int = 200,
    pause: float = 0.0,
) -> Result:
    """``clients`` clients sending ``request`` back to back for ``seconds`` (each waiting
    ``pause`` seconds between an answer and its next request, not counted)."""
    result = Result(name, clients, seconds)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as http:
        deadline = time.perf_counter() + seconds

        async def client(n: int) -> None:
            while time.perf_counter() < deadline:
                if pause:
                    await asyncio.sleep(pause)
                started = time.perf_counter()
                try:
                    status = await request(http, n)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    result.errors[type(exc).__name__] += 1
                    continue
                if status == ok:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.errors[str(status)] += 1

        began = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        result.seconds = time.perf_counter() - began
    return result


def get(path: str) -> Request:
    async def send(http: aiohttp.ClientSession, _n: int) -> int:
        async with http.get(path) as response:
            await response.read()
            return response.status

    return send


# ----------------------------------------------------------------------------- accounts


@dataclass
class Account:
    headers: dict[str, str]
    session_id: str


async def accounts(base_url: str, count: int, users: int = 20) -> list[Account]:
    """``count`` chat sessions spread over ``users`` accounts (Argon2 makes every account
    cost a fraction of a second of CPU, sessions are cheap)."""
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(base_url, timeout=timeout) as http:
        gate = asyncio.Semaphore(4)

        async def user() -> dict[str, str]:
            async with gate:
                body = {"username": "b" + uuid.uuid4().hex[:12], "password": PASSWORD}
                async with http.post("/auth/register", json=body) as response:
                    assert response.status == 201, await response.text()
                async with http.post("/auth/login", json=body) as response:
                    token = (await response.json())["access_token"]
                return {"Authorization": f"Bearer {token}"}

        people = await asyncio.gather(*(user() for _ in range(min(users, count))))

        # An account's empty chat is reused ("Новый чат" pressed twice is one chat), so each
        # chat gets its first message before the same account opens the next one.
        locks = [asyncio.Lock() for _ in people]

        async def session(n: int) -> Account:
            async with gate, locks[n % len(people)]:
                headers = people[n % len(people)]
                async with http.post("/chat/session", headers=headers) as response:
                    session_id = (await response.json())["id"]
                body = {"session_id": session_id, "sender_type": "user", "text": "привет"}
                async with http.post("/chat/message", json=body, headers=headers) as response:
                    assert response.status == 201, await response.text()
                return Account(headers, session_id)

        chats = list(await asyncio.gather(*(session(n) for n in range(count))))
        assert len({chat.session_id for chat in chats}) == count, "chats must be distinct"
        return chats


def post_message(users: list[Account], texts: list[str]) -> Request:
    turns = [0] * len(users)

    async def send(http: aiohttp.ClientSession, n: int) -> int:
        # Each user goes through the texts in turn, as a person asks one thing after
        # another (the same text over and over is a rephrasing, which the bot reviews).
        who = n % len(users)
        turns[who] += 1
        user = users[who]
        text = texts[(turns[who] + who) % len(texts)]
        # sender_type: the seed requires it; ours takes it and allows only "user".
        body = {"session_id": user.session_id, "sender_type": "user", "text": text}
        async with http.post("/chat/message", json=body, headers=user.headers) as response:
            await response.read()
            return response.status

    return send
