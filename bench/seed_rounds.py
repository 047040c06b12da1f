"""Ours against the seed, alternated: the ratio that one pair of phases cannot pin down.

`compare.py` measures the seed's message phases, then ours, a minute apart; on this
shared machine the seed alone, at 50 clients, moved between 206 and 247 messages/s in
one hour (it waits on the disk), so one ratio swings by a fifth. Here both servers run side by side
(an idle server costs nothing) and the same closed loop goes to one, then the other,
round after round; each round gives a ratio, and the median of the rounds is reported.

Run: .venv/bin/python bench/seed_rounds.py [--clients 50] [--rounds 5] [--duration 6]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from harness import (
    TEXTS,
    Server,
    accounts,
    closed_loop,
    database,
    post_message,
    start_seed,
    start_service,
    stop,
)


async def _rounds(
    ours: Server, seed: Server, clients: int, rounds: int, seconds: float
) -> list[tuple[float, float]]:
    """(ours, seed) messages per second for each round, after a short warm-up of each."""
    sends = {}
    for server in (ours, seed):
        users = await accounts(server.base_url, clients)
        sends[server.base_url] = post_message(users, TEXTS)
        await closed_loop("warm-up", server.base_url, clients, 2, sends[server.base_url], ok=201)
    measured = []
    for number in range(rounds):
        # Alternate which goes first, so a drift of the machine does not favour one side.
        order = (ours, seed) if number % 2 == 0 else (seed, ours)
        rates = {}
        for server in order:
            send = sends[server.base_url]
            result = await closed_loop("message", server.base_url, clients, seconds, send, ok=201)
            if result.errors:
                raise RuntimeError(f"{server.base_url}: errors {dict(result.errors)}")
            rates[server.base_url] = result.rate
        measured.append((rates[ours.base_url], rates[seed.base_url]))
        print(
            f"round {number + 1}: ours {measured[-1][0]:.0f}/s, seed {measured[-1][1]:.0f}/s, "
            f"ratio {measured[-1][0] / measured[-1][1]:.2f}",
            flush=True,
        )
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=6.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sunsupport-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "seed").mkdir()
        (workdir / "ours").mkdir()
        with database(None, workdir / "ours") as url:
            ours = start_service(workdir / "ours", url)
            try:
                seed = start_seed(workdir / "seed")
                try:
                    measured = asyncio.run(
                        _rounds(ours, seed, args.clients, args.rounds, args.duration)
                    )
                finally:
                    stop(seed)
            finally:
                stop(ours)
    ratios = [mine / theirs for mine, theirs in measured]
    print(
        f"\n{args.clients} clients, {args.rounds} rounds of {args.duration:g} s: "
        f"ours / seed median {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}); "
        f"ours median {statistics.median(m for m, _ in measured):.0f}/s, "
        f"seed median {statistics.median(t for _, t in measured):.0f}/s"
    )


if __name__ == "__main__":
    main()
