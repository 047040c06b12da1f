"""Cost growth: history paging by session size, answering with 1 000 000 stored messages,
and database size per 1 000 messages.

Starts its own real server on a fresh database (SQLite temp file by default, or a new
PostgreSQL database with ``--database-url``). Messages are inserted in bulk with SQL (the API
would take hours for a million); their texts are real user phrases and real bot answers
collected through the API first, so the sizes are representative.

    .venv/bin/python bench/history.py
    .venv/bin/python bench/history.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # the sibling module, importable when run as a file
    PASSWORD,
    TEXTS,
    database,
    start_service,
    stop,
    workdir_for,
)

SIZES = (10, 1_000, 100_000)
TOTAL = 1_000_000
REPEAT = 30
BATCH = 50_000


class Store:
    """Direct SQL access to the server's database, for bulk inserts and sizes."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        self.path = Path(url.database or "") if self.sqlite else None
        self.url = url

    def insert(
        self, session_id: str, count: int, samples: list[tuple[str, str, str | None]]
    ) -> None:
        """``count`` messages alternating user and bot, with texts cycled from ``samples``."""
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=60) as conn:
                for start in range(0, count, BATCH):
                    rows = []
                    for i in range(start, min(count, start + BATCH)):
                        sender, body, intent = samples[i % len(samples)]
                        rows.append(
                            (session_id, sender, body, now, intent, 0.9 if intent else None)
                        )
                    conn.executemany(
                        "INSERT INTO messages (session_id, sender_type, text, sent_at, intent,"
                        " confidence) VALUES (?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    conn.commit()
            return
        engine = create_engine(self.url.set(drivername="postgresql+psycopg"))
        with engine.begin() as conn:
            conn.execute(
                text("CREATE TEMP TABLE samples (n int, sender text, body text, intent text)")
            )
            conn.execute(
                text("INSERT INTO samples VALUES (:n, :sender, :body, :intent)"),
                [
                    {"n": n, "sender": s, "body": b, "intent": i}
                    for n, (s, b, i) in enumerate(samples)
                ],
            )
            conn.execute(
                text(
                    "INSERT INTO messages (session_id, sender_type, text, sent_at, intent,"
                    " confidence) SELECT :sid, s.sender, s.body, now(), s.intent,"
                    " CASE WHEN s.intent IS NULL THEN NULL ELSE 0.9 END"
                    " FROM generate_series(0, :count - 1) g JOIN samples s"
                    " ON s.n = g % :k"
                ),
                {"sid": session_id, "count": count, "k": len(samples)},
            )
            conn.execute(text("ANALYZE messages"))
        engine.dispose()

    def size_bytes(self) -> int:
        """The database's size on disk (SQLite: after a WAL checkpoint)."""
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=60) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return self.path.stat().st_size
        engine = create_engine(self.url.set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            size = conn.scalar(text("SELECT pg_total_relation_size('messages')"))
        engine.dispose()
        return int(size)

    def count(self) -> int:
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=60) as conn:
                return conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        engine = create_engine(self.url.set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            value = conn.scalar(text("SELECT count(*) FROM messages"))
        engine.dispose()
        return int(value)


def timed(http: httpx.Client, method: str, url: str, repeat: int = REPEAT, **kw: Any) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.request(method, url, **kw)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 201), response.text
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
    }


def walk_history(http: httpx.Client, sid: str, headers: dict, pages: int | None) -> dict:
    """Page backwards from the newest message with ``before_id``; time every page."""
    times, before, seen = [], None, 0
    while pages is None or len(times) < pages:
        params = {"before_id": before} if before else {}
        started = time.perf_counter()
        page = http.get(f"/chat/history/{sid}", headers=headers, params=params).json()
        times.append((time.perf_counter() - started) * 1000)
        if not page:
            break
        seen += len(page)
        before = page[0]["id"]
    return {
        "pages": len(times),
        "messages": seen,
        "total_ms": round(sum(times), 1),
        "page_p50_ms": round(statistics.median(times), 1),
        "page_max_ms": round(max(times), 1),
    }


def run(database_url: str, workdir: Path) -> dict:
    store = Store(database_url)
    server = start_service(workdir, database_url)
    results: dict[str, Any] = {"backend": make_url(database_url).get_backend_name()}
    try:
        with httpx.Client(base_url=server.base_url, timeout=120) as http:
            credentials = {"username": "h" + uuid.uuid4().hex[:10], "password": PASSWORD}
            http.post("/auth/register", json=credentials).raise_for_status()
            token = http.post("/auth/login", json=credentials).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}

            def new_session() -> str:
                return http.post("/chat/session", headers=headers).json()["id"]

            # Real texts: user phrases and the bot's real answers to them.
            probe = new_session()
            samples: list[tuple[str, str, str | None]] = []
            for phrase in TEXTS:
                body = {"session_id": probe, "text": phrase}
                answer = http.post("/chat/message", headers=headers, json=body).json()
                samples += [("user", phrase, None), ("bot", answer["answer"], answer["intent"])]
            results["average_text_chars"] = round(
                statistics.fmean(len(body) for _s, body, _i in samples), 1
            )

            before_size, before_count = store.size_bytes(), store.count()
            sessions = {}
            for size in SIZES:
                sessions[size] = new_session()
                store.insert(sessions[size], size, samples)
            inserted = store.count() - before_count
            per_1000 = (store.size_bytes() - before_size) / inserted * 1000
            results["bytes_per_1000_messages_first_100k"] = round(per_1000)

            history = {}
            for size, sid in sessions.items():
                first = timed(http, "GET", f"/chat/history/{sid}", headers=headers)
                walk = walk_history(http, sid, headers, pages=None if size <= 1_000 else 50)
                history[size] = {"first_page": first, "paging": walk}
                print(f"history {size:>7}: first page {first}, paging {walk}", flush=True)
            results["history"] = history

            # Fill the database to a million messages, spread over ten more sessions.
            remaining = TOTAL - store.count()
            filler = [new_session() for _ in range(10)]
            started = time.perf_counter()
            for i, sid in enumerate(filler):
                share = remaining // len(filler) + (1 if i < remaining % len(filler) else 0)
                store.insert(sid, share, samples)
            results["bulk_insert_seconds"] = round(time.perf_counter() - started, 1)
            total = store.count()
            size_bytes = store.size_bytes()
            results["messages_total"] = total
            results["database_bytes"] = size_bytes
            results["bytes_per_1000_messages_at_1m"] = round(size_bytes / total * 1000)

            answer = {}
            for size in (10, 100_000):
                body = {"session_id": sessions[size], "text": "когда взойдёт солнце?"}
                answer[size] = timed(http, "POST", "/chat/message", headers=headers, json=body)
            results["answer_with_1m_messages"] = answer
            results["history_with_1m_messages"] = {
                size: timed(http, "GET", f"/chat/history/{sessions[size]}", headers=headers)
                for size in SIZES
            }
            print(f"answer with {total} messages: {answer}", flush=True)
    finally:
        stop(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create a fresh db on")
    parser.add_argument("--workdir", type=Path, help="keep the database and logs here")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with (
        workdir_for(args.workdir) as workdir,
        database(args.database_url, workdir) as database_url,
    ):
        results = run(database_url, workdir)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
