"""Counters folded into one upsert per row, written just before the commit.

Statistics are counters (messages per day, answers per intent…) that many concurrent
units of work add to. Executing one upsert per increment costs a statement per counter
per unit; on SQLite every statement goes through the single writer thread, which is
what limits how many messages a second the service stores. So a unit only *records*
its increments here (:func:`add`); whoever commits writes them (:func:`flush`) in the
same transaction, merged by row: the group-commit writer once for its whole batch, the
PostgreSQL backend once per unit. The counts are exactly as durable as the unit's other
writes: they commit together or not at all.

A counter is described by a :class:`Counter`: the upsert statement (built per dialect,
taking one row of parameters and adding its ``deltas`` to the row's current values) and
the columns that name a row.

Only for rows that no other unit of the same commit reads, moves or deletes: they are
written after every unit has run (a row another unit must see, such as a conversation's
active day that its deletion re-keys, is written by the unit itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.orm import Session

_TALLY = "sunsupport.tally"


@dataclass(frozen=True, eq=False)
class Counter:
    """One kind of counted row."""

    name: str
    statement: Callable[[str], Executable]
    """The upsert for a dialect name (``sqlite`` or ``postgresql``)."""
    key: tuple[str, ...]
    """The parameters that name a row; every other parameter is a delta."""


Tally = dict[tuple[Counter, tuple[Any, ...]], dict[str, int]]
"""(counter, row key) → the deltas to add to that row."""


def add(
    session: Session, counter: Counter, key: Mapping[str, Any], deltas: Mapping[str, int]
) -> None:
    """Count ``deltas`` on the row ``key`` of ``counter`` when this unit commits."""
    _merge_row(
        session.info.setdefault(_TALLY, {}), counter, tuple(key[k] for k in counter.key), deltas
    )


def take(session: Session) -> Tally:
    """What a finished unit counted (and no more on the session)."""
    tally: Tally = session.info.pop(_TALLY, {})
    return tally


def refuse_in_read(session: Session, unit: Callable[..., Any]) -> None:
    """A read unit commits nothing, so what it counted would be lost: a bug, said loudly."""
    if take(session):
        raise RuntimeError(f"{getattr(unit, '__name__', unit)!r} counted in a read unit")


def merge(into: Tally, tally: Tally) -> None:
    for (counter, key), deltas in tally.items():
        _merge_row(into, counter, key, deltas)


def flush(bind: Session | Connection, tally: Tally) -> None:
    """Write ``tally``: one executemany per counter, one row per key."""
    if not tally:
        return
    dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    rows: dict[Counter, list[dict[str, Any]]] = {}
    for (counter, key), deltas in tally.items():
        rows.setdefault(counter, []).append({**dict(zip(counter.key, key, strict=True)), **deltas})
    for counter in sorted(rows, key=lambda c: c.name):  # one order: no lock cycles on PostgreSQL
        ordered = sorted(rows[counter], key=lambda row: tuple(str(row[k]) for k in counter.key))
        # One row is a plain execute: an executemany goes through more machinery.
        bind.execute(counter.statement(dialect), ordered[0] if len(ordered) == 1 else ordered)


def _merge_row(
    tally: Tally, counter: Counter, key: tuple[Any, ...], deltas: Mapping[str, int]
) -> None:
    row = tally.setdefault((counter, key), {})
    for name, value in deltas.items():
        row[name] = row.get(name, 0) + value
