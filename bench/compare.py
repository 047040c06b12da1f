"""One run, one machine, every figure as a ratio to our own trivial route.

    .venv/bin/python bench/compare.py                    # SQLite, one worker
    .venv/bin/python bench/compare.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test \
        --workers 1,2 --no-floods                        # PostgreSQL, one and two workers

Phases (``--duration`` seconds each):
1. a bare FastAPI app returning {"status": "ok"} (same venv, same uvicorn): the scale;
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
from harness import (
    PASSWORD,
    TEXTS,
    Account,
    Request,
    Result,
    accounts,
    closed_loop,
    database,
    get,
    post_message,
    start_bare,
    start_service,
    stop,
)

LONG_TEXT = ("почему солнце сегодня светит так тускло и когда привезут новое " * 40)[:2000]


def _table(rows: list[dict[str, object]]) -> str:
    lines = ["| phase | clients | per s | ratio | p50 ms | p99 ms | errors |", "|---" * 7 + "|"]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['clients']} | {r['per_s']} | {r['ratio']} | {r['p50_ms']} "
            f"| {r['p99_ms']} | {r['errors'] or 0} |"
        )
    return "\n".join(lines)


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
    base_url: str, levels: list[int], seconds: float, floods: bool, trivial_path: str
) -> tuple[list[Result], float]:
    results: list[Result] = []
    trivial = await closed_loop(trivial_path, base_url, 50, seconds, get(trivial_path))
    results.append(trivial)
    if trivial_path != "/openapi.json":
        openapi = await closed_loop("/openapi.json", base_url, 50, seconds, get("/openapi.json"))
        results.append(openapi)
    results.append(await closed_loop("/health", base_url, 50, seconds, get("/health")))
    users = await accounts(base_url, max(levels))
    for clients in levels:
        send = post_message(users[:clients], TEXTS)
        results.append(
            await closed_loop("POST /chat/message", base_url, clients, seconds, send, ok=201)
        )
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--workers", default="1", help="comma-separated worker counts")
    parser.add_argument("--levels", default="1,10,50,200")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--no-floods", action="store_true")
    parser.add_argument("--no-bare", action="store_true")
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
                scale = asyncio.run(
                    closed_loop("bare FastAPI", bare.base_url, 50, args.duration, get("/"))
                )
            finally:
                stop(bare)
            report["bare"] = scale.row()
            print(_table([scale.row()]), "\n", flush=True)
        for number, workers in enumerate(int(w) for w in args.workers.split(",")):
            run_dir = workdir / f"workers-{workers}"
            run_dir.mkdir()
            with database(args.database_url, run_dir) as url:
                server = start_service(run_dir, url, workers=workers)
                try:
                    floods = not args.no_floods and number == 0
                    results, baseline = asyncio.run(
                        measure_service(
                            server.base_url, levels, args.duration, floods, args.trivial
                        )
                    )
                finally:
                    stop(server)
            rows = [r.row(baseline) for r in results]
            report[f"workers={workers}"] = rows
            kind = "PostgreSQL" if args.database_url else "SQLite"
            print(f"### {kind}, {workers} worker(s)\n\n{_table(rows)}\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
