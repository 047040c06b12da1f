"""Statements and round trips per message: what one ``POST /chat/message`` asks of the
database, counted inside a real server process.

    .venv/bin/python bench/statements.py                           # SQLite
    .venv/bin/python bench/statements.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    PYTHONPATH=/path/to/older/checkout/src .venv/bin/python bench/statements.py   # an older version

The server runs with ``bench/counting`` on its ``PYTHONPATH`` (SQLAlchemy events count
every statement, transaction step and pool checkout; see its ``sitecustomize.py``). One
client sends ``--messages`` messages one after another, going through the bench texts
in five conversations; the counts over those messages are divided by their number.
On PostgreSQL every statement, ``BEGIN``, ``COMMIT`` and checkout ping is a round trip;
the live events' ``NOTIFY`` goes on the broker's own connection and is not counted here.
On SQLite a round trip is a hand-over to a database thread instead (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from harness import TEXTS, accounts, database, post_message, start_service, stop

COUNTING = Path(__file__).parent / "counting"


def _counts(pid: int, target: Path) -> dict[str, int]:
    before = target.stat().st_mtime_ns if target.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if target.exists() and target.stat().st_mtime_ns != before:
            return dict(json.loads(target.read_text()))
        time.sleep(0.02)
    raise RuntimeError("the server did not write its counts")


async def _send(base_url: str, messages: int, take: Callable[[], None]) -> None:
    users = await accounts(base_url, 5, users=5)
    send = post_message(users, TEXTS)
    async with aiohttp.ClientSession(base_url) as http:
        for n in range(5 * 4):  # warm-up: every text once in every conversation
            assert await send(http, n) == 201
        take()
        for n in range(messages):
            assert await send(http, n) == 201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sunsupport-statements-") as tmp:
        workdir = Path(tmp)
        target = workdir / "counts.json"
        path = os.pathsep.join(p for p in (str(COUNTING), os.environ.get("PYTHONPATH")) if p)
        env = {"PYTHONPATH": path, "SUNSUPPORT_COUNT_STATEMENTS": str(target)}
        with database(args.database_url, workdir) as url:
            server = start_service(workdir, url, env=env)
            try:
                marks: list[dict[str, int]] = []

                def take() -> None:
                    marks.append(_counts(server.process.pid, target))

                asyncio.run(_send(server.base_url, args.messages, take))
                take()
            finally:
                stop(server)
    before, after = marks
    per_message = {
        key: round((after.get(key, 0) - before.get(key, 0)) / args.messages, 2)
        for key in sorted(set(before) | set(after))
    }
    per_message = {k: v for k, v in per_message.items() if v}
    kind = "PostgreSQL" if args.database_url else "SQLite"
    print(f"### {kind}: per message, over {args.messages} messages from one client\n")
    print("| what | per message |\n| --- | --- |")
    for key, value in per_message.items():
        print(f"| {key} | {value} |")
    statements = sum(v for k, v in per_message.items() if k.startswith("statement "))
    steps = sum(
        v for k, v in per_message.items() if k.startswith("transaction ") and "autocommit" not in k
    )
    print(f"| **statements in all** | **{round(statements, 2)}** |")
    print(f"| **transaction steps in all** | **{round(steps, 2)}** |")
    print(f"| **pool checkouts** | **{per_message.get('pool checkout', 0)}** |")


if __name__ == "__main__":
    main()
