"""Load benchmark: message round trips against /health as the ceiling, at several concurrencies.

Starts its own real server (``sunsupport serve``) on a fresh database, with rate limits off,
registers users, opens one chat session per client, then for each concurrency level runs
``/health`` and ``POST /chat/message`` for a fixed time each and reports throughput,
p50/p95/p99 latency and every error by kind (status code or exception class).

    .venv/bin/python bench/load.py                                  # SQLite temp file
    .venv/bin/python bench/load.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
    .venv/bin/python bench/load.py --duration 5 --levels 10,50 --json out.json

With a PostgreSQL URL, a fresh database is created next to the named one (the named one is
only used to connect), migrated, and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PASSWORD = "bench-password-42"  # noqa: S105 (throwaway benchmark accounts)
TEXTS = ["привет", "когда взойдёт солнце?", "какая погода в Москве", "спасибо, пока", "а если нет"]


# ----------------------------------------------------------------------------- server


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    database_url: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(workdir: Path, database_url: str, extra: dict[str, str] | None = None) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_DIR": str(workdir / "logs"),
        "LOG_LEVEL": "WARNING",  # one log line per request would be measured too
        "SECRET_KEY": "bench-" + "s" * 60,
        "RATE_LIMIT_MESSAGES": "",
        "RATE_LIMIT_SESSIONS": "",
        "RATE_LIMIT_LOGIN_FAILURES": "",
        **(extra or {}),
    }
    return env


def start_server(
    workdir: Path, database_url: str, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Server:
    env = server_env(workdir, database_url, extra_env)
    python = sys.executable
    subprocess.run([python, "-m", "sunsupport", "migrate"], cwd=workdir, env=env, check=True)
    port = free_port()
    command = [python, "-m", "sunsupport", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    log = (workdir / "server.out").open("wb")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(workdir / 'server.out').read_text()}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return Server(base_url, process, workdir, database_url)
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become healthy in 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextlib.contextmanager
def fresh_database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """A SQLite file in ``workdir``, or a new PostgreSQL database dropped afterwards."""
    if not database_url:
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    url = make_url(database_url)
    name = f"sunsupport_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ----------------------------------------------------------------------------- clients


@dataclass
class Client:
    headers: dict[str, str]
    session_id: str


async def make_clients(base_url: str, count: int, users: int) -> list[Client]:
    """``users`` accounts (Argon2 makes each cost ~0.1-0.5 s of CPU), ``count`` sessions."""
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        gate = asyncio.Semaphore(4)

        async def account() -> dict[str, str]:
            async with gate:
                name = "b" + uuid.uuid4().hex[:12]
                body = {"username": name, "password": PASSWORD}
                (await http.post("/auth/register", json=body)).raise_for_status()
                login = await http.post("/auth/login", json=body)
                login.raise_for_status()
                return {"Authorization": f"Bearer {login.json()['access_token']}"}

        accounts = await asyncio.gather(*(account() for _ in range(min(users, count))))

        async def session(i: int) -> Client:
            async with gate:
                headers = accounts[i % len(accounts)]
                response = await http.post("/chat/session", headers=headers)
                response.raise_for_status()
                return Client(headers, response.json()["id"])

        return list(await asyncio.gather(*(session(i) for i in range(count))))


# ----------------------------------------------------------------------------- measuring


@dataclass
class Result:
    name: str
    concurrency: int
    duration: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.duration

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "concurrency": self.concurrency,
            "duration_s": round(self.duration, 2),
            "ok": self.ok,
            "throughput_rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if self.ok else None,
            "errors": dict(self.errors),
        }


async def run_phase(
    base_url: str, name: str, clients: list[Client], duration: float, expected: int
) -> Result:
    """Every client sends requests back to back until ``duration`` is over."""
    result = Result(name, len(clients), duration)
    # Expire idle connections before uvicorn does (its keep-alive timeout is 5 s): otherwise
    # a connection the server is closing can be picked for the next request, a ReadError
    # that measures the race, not the service.
    limits = httpx.Limits(
        max_connections=len(clients), max_keepalive_connections=len(clients), keepalive_expiry=2
    )
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        deadline = time.perf_counter() + duration

        async def worker(number: int, client: Client) -> None:
            i = number
            while time.perf_counter() < deadline:
                i += 1
                started = time.perf_counter()
                try:
                    if name == "health":
                        response = await http.get("/health")
                    else:
                        body = {"session_id": client.session_id, "text": TEXTS[i % len(TEXTS)]}
                        response = await http.post(
                            "/chat/message", json=body, headers=client.headers
                        )
                except httpx.HTTPError as exc:
                    result.errors[type(exc).__name__] += 1
                    continue
                if response.status_code == expected:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.errors[f"HTTP {response.status_code}"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n, c) for n, c in enumerate(clients)))
        result.duration = time.perf_counter() - started
    return result


async def benchmark(server: Server, levels: list[int], duration: float, users: int) -> list[dict]:
    clients = await make_clients(server.base_url, max(levels), users)
    rows = []
    for level in levels:
        health = await run_phase(server.base_url, "health", clients[:level], duration, 200)
        message = await run_phase(server.base_url, "message", clients[:level], duration, 201)
        ratio = message.throughput / health.throughput if health.throughput else float("nan")
        rows.append({"health": health.as_dict(), "message": message.as_dict(), "ratio": ratio})
        print(format_row(rows[-1]), flush=True)
    return rows


def format_row(row: dict) -> str:
    parts = []
    for key in ("health", "message"):
        r = row[key]
        errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "0"
        parts.append(
            f"| {r['concurrency']} | {key} | {r['throughput_rps']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['ok']} | {errors} |"
        )
    return "\n".join(parts) + f"\n|  | ratio message/health | {row['ratio']:.2f} |  |  |  |  |  |"


HEADER = (
    "| clients | endpoint | req/s | p50 ms | p95 ms | p99 ms | ok | errors |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


@contextlib.contextmanager
def workdir_for(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="sunsupport-bench-") as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create a fresh db on")
    parser.add_argument("--duration", type=float, default=10, help="seconds per phase")
    parser.add_argument("--levels", default="10,50,200", help="concurrency levels")
    parser.add_argument("--users", type=int, default=20, help="accounts (sessions are per client)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--workdir", type=Path, help="keep the database and logs here")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    with (
        workdir_for(args.workdir) as workdir,
        fresh_database(args.database_url, workdir) as database_url,
    ):
        server = start_server(workdir, database_url, workers=args.workers)
        backend = database_url.split(":", 1)[0]
        print(f"# load: {backend}, workers={args.workers}, {args.duration:g} s per phase")
        print(HEADER, flush=True)
        try:
            rows = asyncio.run(benchmark(server, levels, args.duration, args.users))
        finally:
            stop_server(server)
    if args.json:
        args.json.write_text(json.dumps({"backend": backend, "rows": rows}, indent=2))
    errors = sum(sum(row[k]["errors"].values()) for row in rows for k in ("health", "message"))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
