"""One run, one machine, every figure as a ratio to our own trivial route.

    .venv/bin/python bench/compare.py                    # SQLite, one worker
    .venv/bin/python bench/compare.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test \
        --workers 1,2 --no-floods                        # PostgreSQL, one and two workers

Phases (``--duration`` seconds each):
1. a bare FastAPI app returning {"status": "ok"} (same venv, same uvicorn): the scale;
   then the seed rebuilt from its README (``seed_app.py``), message round trips only;
2. our server: ``/livez`` (the trivial route: our middleware, no database), ``/openapi.json``
   and ``/health``, 50 clients each;
3. the message round trip (``POST /chat/message``: auth, ownership, the bot, the write) at
   each ``--levels`` count of clients, every client in a chat session of its own;
4. floods, each beside one "victim" user sending messages one after another and a
   ``/health`` probe: 40 registrations in flight, one user's 40 long messages in flight,
   60 👎 on one answer, 40 long ``/bot/parse`` texts.
The machine's 2 cores are shared by the server and this load generator, so only ratios
within one run mean anything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import cpu
from harness import (
    PASSWORD,
    TEXTS,
    Account,
    Request,
    Result,
    Server,
    accounts,
    closed_loop,
    database,
    get,
    post_message,
    start_bare,
    start_seed,
    start_service,
    stop,
)

LONG_TEXT = ("почему солнце сегодня светит так тускло и когда привезут новое " * 40)[:2000]


def _table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| phase | clients | per s | ratio | p50 ms | p99 ms | errors "
        "| machine busy % | cores: server / db / client | server CPU ms per request |",
        "|---" * 10 + "|",
    ]
    for r in rows:
        cores = (
            f"{r['server_cores']} / {r['database_cores']} / {r['client_cores']}"
            if "server_cores" in r
            else ""
        )
        lines.append(
            f"| {r['name']} | {r['clients']} | {r['per_s']} | {r['ratio']} | {r['p50_ms']} "
            f"| {r['p99_ms']} | {r['errors'] or 0} | {r.get('machine_busy_pct', '')} | {cores} "
            f"| {r.get('server_cpu_ms') or ''} |"
        )
    return "\n".join(lines)


async def _metered(server_pid: int, phase: Awaitable[Result]) -> Result:
    """Run one phase and record where the machine's CPU went meanwhile."""
    before = cpu.snapshot(server_pid)
    result = await phase
    result.cpu = cpu.split(before, cpu.snapshot(server_pid), result.seconds)
    return result


async def _register(http: aiohttp.ClientSession, _n: int) -> int:
    body = {"username": "f" + uuid.uuid4().hex[:12], "password": PASSWORD}
    async with http.post("/auth/register", json=body) as response:
        await response.read()
        return response.status


def _downvote(user: Account, answer_id: int) -> Request:
    async def send(http: aiohttp.ClientSession, _n: int) -> int:
        url = f"/chat/message/{answer_id}/feedback"
        async with http.post(url, json={"value": -1}, headers=user.headers) as response:
            await response.read()
            return response.status

    return send


def _parse(user: Account) -> Request:
    async def send(http: aiohttp.ClientSession, _n: int) -> int:
        body = {"text": LONG_TEXT}
        async with http.post("/bot/parse", json=body, headers=user.headers) as response:
            await response.read()
            return response.status

    return send


async def _flood(
    base_url: str,
    name: str,
    flood: Callable[[float], Awaitable[Result]],
    victim: Account,
    seconds: float,
) -> list[Result]:
    """Run ``flood`` and, beside it, one user's messages and a /health probe."""
    flooding = asyncio.create_task(flood(seconds + 1))
    await asyncio.sleep(0.5)  # let the flood build up
    mine = post_message([victim], TEXTS)
    victim_result, health = await asyncio.gather(
        closed_loop(f"victim: {name}", base_url, 1, seconds, mine, ok=201),
        closed_loop(f"/health: {name}", base_url, 1, seconds, get("/health"), pause=0.05),
    )
    flooded = await flooding
    return [flooded, victim_result, health]


async def _answer_id(base_url: str, user: Account) -> int:
    async with aiohttp.ClientSession(base_url) as http:
        body = {"session_id": user.session_id, "text": "привет"}
        async with http.post("/chat/message", json=body, headers=user.headers) as response:
            return int((await response.json())["answer_id"])


async def measure_service(
    server: Server, levels: list[int], seconds: float, floods: bool, trivial_path: str
) -> tuple[list[Result], float]:
    base_url, pid = server.base_url, server.process.pid
    results: list[Result] = []
    trivial = await _metered(
        pid, closed_loop(trivial_path, base_url, 50, seconds, get(trivial_path))
    )
    results.append(trivial)
    if trivial_path != "/openapi.json":
        openapi = closed_loop("/openapi.json", base_url, 50, seconds, get("/openapi.json"))
        results.append(await _metered(pid, openapi))
    health = closed_loop("/health", base_url, 50, seconds, get("/health"))
    results.append(await _metered(pid, health))
    users = await accounts(base_url, max(levels))
    for clients in levels:
        send = post_message(users[:clients], TEXTS)
        phase = closed_loop("POST /chat/message", base_url, clients, seconds, send, ok=201)
        results.append(await _metered(pid, phase))
    if floods:
        victim, flooder = (await accounts(base_url, 2, users=2))[:2]
        answer = await _answer_id(base_url, flooder)
        long_sessions = await accounts(base_url, 40, users=1)
        long_messages = post_message(long_sessions, [LONG_TEXT])
        scenarios: dict[str, Callable[[float], Awaitable[Result]]] = {
            "40 registrations": lambda s: closed_loop(
                "flood: registrations", base_url, 40, s, _register, ok=201
            ),
            "40 long messages": lambda s: closed_loop(
                "flood: long messages", base_url, 40, s, long_messages, ok=201
            ),
            "60 downvotes": lambda s: closed_loop(
                "flood: 👎", base_url, 60, s, _downvote(flooder, answer)
            ),
            "40 long /bot/parse": lambda s: closed_loop(
                "flood: /bot/parse", base_url, 40, s, _parse(flooder)
            ),
        }
        for name, flood in scenarios.items():
            results.extend(await _flood(base_url, name, flood, victim, seconds))
    return results, trivial.rate


async def measure_seed(seed: Server, levels: list[int], seconds: float) -> list[Result]:
    """The same message round trips against the seed, beside which ours is judged."""
    users = await accounts(seed.base_url, max(levels))
    results = []
    for clients in levels:
        send = post_message(users[:clients], TEXTS)
        phase = closed_loop(
            "seed: POST /chat/message", seed.base_url, clients, seconds, send, ok=201
        )
        results.append(await _metered(seed.process.pid, phase))
    return results


def _against_seed(ours: list[dict[str, object]], seed: list[dict[str, object]]) -> str:
    lines = ["| clients | ours per s | seed per s | ours / seed |", "|---" * 4 + "|"]
    theirs = {r["clients"]: r["per_s"] for r in seed}
    for row in ours:
        if row["name"] != "POST /chat/message" or row["clients"] not in theirs:
            continue
        mine, base = float(row["per_s"]), float(theirs[row["clients"]])  # type: ignore[arg-type]
        ratio = round(mine / base, 2) if base else None
        lines.append(f"| {row['clients']} | {mine} | {base} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--workers", default="1", help="comma-separated worker counts")
    parser.add_argument("--levels", default="1,10,50,200")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--no-floods", action="store_true")
    parser.add_argument("--no-bare", action="store_true")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed's message phases")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--trivial", default="/livez", help="the route the ratios are to")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    report: dict[str, object] = {"started": time.strftime("%Y-%m-%d %H:%M:%S")}

    with tempfile.TemporaryDirectory(prefix="sunsupport-bench-") as tmp:
        workdir = Path(tmp)
        if not args.no_bare:
            bare = start_bare(workdir)
            try:
                bare_loop = closed_loop("bare FastAPI", bare.base_url, 50, args.duration, get("/"))
                scale = asyncio.run(_metered(bare.process.pid, bare_loop))
            finally:
                stop(bare)
            report["bare"] = scale.row()
            print(_table([scale.row()]), "\n", flush=True)
        seed_rows: list[dict[str, object]] = []
        if not args.no_seed:
            (workdir / "seed").mkdir()
            seed = start_seed(workdir / "seed")
            try:
                measured = asyncio.run(measure_seed(seed, levels, args.duration))
            finally:
                stop(seed)
            seed_rows = [r.row() for r in measured]
            report["seed"] = seed_rows
            print(f"### the seed (rebuilt), SQLite\n\n{_table(seed_rows)}\n", flush=True)
        for number, workers in enumerate(int(w) for w in args.workers.split(",")):
            run_dir = workdir / f"workers-{workers}"
            run_dir.mkdir()
            with database(args.database_url, run_dir) as url:
                server = start_service(run_dir, url, workers=workers)
                try:
                    floods = not args.no_floods and number == 0
                    results, baseline = asyncio.run(
                        measure_service(server, levels, args.duration, floods, args.trivial)
                    )
                finally:
                    stop(server)
            rows = [r.row(baseline) for r in results]
            report[f"workers={workers}"] = rows
            kind = "PostgreSQL" if args.database_url else "SQLite"
            print(f"### {kind}, {workers} worker(s)\n\n{_table(rows)}\n", flush=True)
            if seed_rows and number == 0:
                print(_against_seed(rows, seed_rows), "\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
