"""Where the machine's CPU went during a phase: our server, the database, the load generator.

On a 2-core machine the server, PostgreSQL and this load generator share the cores, so a
throughput figure alone cannot say whether the server or the machine ran out. Read from
Linux's ``/proc`` (clock ticks, 10 ms each); elsewhere every figure is ``None``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Snapshot:
    machine_busy: int
    machine_total: int
    server: dict[int, int]
    database: dict[int, int]
    client: int


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:  # the process ended between listing and reading
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    return text[text.rindex(")") + 2 :].split()


def _cpu_ticks(fields: list[str]) -> int:
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, command name, CPU ticks) for every process we can read."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is None:
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[1]), name, _cpu_ticks(fields))
    return found


def _tree(root: int, processes: dict[int, tuple[int, str, int]]) -> dict[int, int]:
    members = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _name, _ticks) in processes.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return {pid: processes[pid][2] for pid in members if pid in processes}


def snapshot(server_pid: int) -> Snapshot | None:
    if not (PROC / "stat").exists():
        return None
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    processes = _processes()
    database = {pid: p[2] for pid, p in processes.items() if p[1].startswith("postgres")}
    own = _stat(os.getpid())
    return Snapshot(
        machine_busy=sum(values[:8]) - idle,
        machine_total=sum(values[:8]),
        server=_tree(server_pid, processes),
        database=database,
        client=_cpu_ticks(own) if own else 0,
    )


def _spent(before: dict[int, int], after: dict[int, int]) -> int:
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


def split(before: Snapshot | None, after: Snapshot | None, seconds: float) -> dict[str, float]:
    """Cores used on average (1.0 = one core busy all the time) and the machine's busy %."""
    if before is None or after is None or seconds <= 0:
        return {}
    wall = seconds * TICKS_PER_SECOND
    total = after.machine_total - before.machine_total
    return {
        "machine_busy_pct": round(100 * (after.machine_busy - before.machine_busy) / total, 1)
        if total
        else 0.0,
        "server_cores": round(_spent(before.server, after.server) / wall, 2),
        "database_cores": round(_spent(before.database, after.database) / wall, 2),
        "client_cores": round((after.client - before.client) / wall, 2),
    }
