"""Counts what a server process asks of its database, for ``bench/statements.py``.

Loaded by Python at start-up when this folder is on ``PYTHONPATH`` (``sitecustomize``),
and only active when ``SUNSUPPORT_COUNT_STATEMENTS`` names a file: SQLAlchemy's
class-level events then count every statement sent through a cursor (by its first
word), every transaction step and every pool checkout (a ping when ``pool_pre_ping`` is
on), in every engine of the process. ``SIGUSR1`` writes the counts to that file.
Nothing here is imported by the service itself.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

_TARGET = os.environ.get("SUNSUPPORT_COUNT_STATEMENTS")


def _install(target: Path) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    counts: Counter[str] = Counter()

    def statement(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        counts[f"statement {_kind(sql)}"] += 1

    def step(name: str) -> Any:
        def count(conn: Any, *_args: Any) -> None:
            # In AUTOCOMMIT the driver sends no BEGIN or COMMIT: not a round trip.
            if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
                counts[f"transaction {name} (autocommit, not sent)"] += 1
            else:
                counts[f"transaction {name}"] += 1

        return count

    event.listen(Engine, "before_cursor_execute", statement)
    for name in ("begin", "commit", "rollback"):
        event.listen(Engine, name, step(name))
    event.listen(Pool, "checkout", lambda *_: counts.update(["pool checkout"]))

    def dump(*_: Any) -> None:
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(counts))
        temporary.replace(target)

    signal.signal(signal.SIGUSR1, dump)


def _kind(sql: str) -> str:
    """``SELECT sessions``, ``INSERT messages``, ``SAVEPOINT``: the verb and its first table."""
    words = sql.replace("(", " ").replace(",", " ").split()
    if not words:
        return "?"
    verb = words[0].upper()
    after = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE", "DELETE": "FROM"}.get(verb)
    upper = [w.upper() for w in words]
    if after is None or after not in upper:
        return verb
    table = words[upper.index(after) + 1].strip('"')
    return f"{verb} {table}"


if _TARGET:
    _install(Path(_TARGET))
